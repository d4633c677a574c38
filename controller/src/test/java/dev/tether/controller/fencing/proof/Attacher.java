package dev.tether.controller.fencing.proof;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The external-attacher's handling of one VolumeAttachment (one volume on one node), as csi-attacher does it: the
 * VolumeAttachment exists (with the attacher's finalizer) before ControllerPublish; its status records the outcome;
 * deleting it leads to ControllerUnpublish, retried until it succeeds, and only then does the finalizer go. Like the
 * attacher's work queue, one worker at a time handles a given VolumeAttachment. Without a cluster (standalone) only
 * the CSI calls are made.
 */
final class Attacher {
    enum State { DETACHED, ATTACH_FAILED, ATTACHED, DETACHING }

    private final String volume;
    private final String nodeName;
    private final String nodeId;
    private final Csi.VolumeCapability capability;
    private final MockCluster cluster;
    private final History history;
    private final ReentrantLock lock = new ReentrantLock();
    private State state = State.DETACHED;

    Attacher(String volume, String nodeName, String nodeId, Csi.VolumeCapability capability, MockCluster cluster,
            History history) {
        this.volume = volume;
        this.nodeName = nodeName;
        this.nodeId = nodeId;
        this.capability = capability;
        this.cluster = cluster;
        this.history = history;
    }

    boolean tryLock() {
        return lock.tryLock();
    }

    void unlock() {
        lock.unlock();
    }

    State state() {
        return state;
    }

    String volume() {
        return volume;
    }

    Csi.VolumeCapability capability() {
        return capability;
    }

    String nodeId() {
        return nodeId;
    }

    /** A pod on this node wants the volume (or the attacher retries a failed attach). Caller holds the lock. */
    Op attach(Supplier<ControllerGrpc.ControllerBlockingStub> controller) {
        if (state == State.DETACHED && cluster != null) {
            cluster.createAttachment(volume, nodeName);
        }
        Op op = publish(controller);
        if (op.acked()) {
            state = State.ATTACHED;
            if (cluster != null) {
                cluster.markAttached(volume, nodeName, op.publishContext());
            }
        } else {
            state = State.ATTACH_FAILED;
            if (cluster != null) {
                cluster.markAttachError(volume, nodeName, op.code().name());
            }
        }
        return op;
    }

    /** The pod is gone: delete the VolumeAttachment (once) and detach; a failure leaves it DETACHING for a retry. */
    Op detach(Supplier<ControllerGrpc.ControllerBlockingStub> controller) {
        if (state != State.DETACHING && cluster != null) {
            cluster.deleteAttachment(volume, nodeName);
        }
        state = State.DETACHING;
        Op op = unpublish(controller);
        if (op.acked()) {
            state = State.DETACHED;
            if (cluster != null) {
                cluster.removeFinalizer(volume, nodeName);
            }
        }
        return op;
    }

    /** ControllerPublish as the attacher sends it, recorded. */
    Op publish(Supplier<ControllerGrpc.ControllerBlockingStub> controller) {
        Csi.ControllerPublishVolumeRequest request = Csi.ControllerPublishVolumeRequest.newBuilder().setVolumeId(volume)
                .setNodeId(nodeId).setVolumeCapability(capability).setReadonly(false).build();
        long start = System.nanoTime();
        try {
            Csi.ControllerPublishVolumeResponse response = stub(controller).controllerPublishVolume(request);
            return history.record(Op.Kind.PUBLISH, volume, nodeId, start, System.nanoTime(), Status.Code.OK,
                    response.getPublishContextMap());
        } catch (StatusRuntimeException e) {
            return history.record(Op.Kind.PUBLISH, volume, nodeId, start, System.nanoTime(), e.getStatus().getCode(), Map.of());
        }
    }

    private Op unpublish(Supplier<ControllerGrpc.ControllerBlockingStub> controller) {
        Csi.ControllerUnpublishVolumeRequest request = Csi.ControllerUnpublishVolumeRequest.newBuilder().setVolumeId(volume)
                .setNodeId(nodeId).build();
        long start = System.nanoTime();
        Status.Code code;
        try {
            stub(controller).controllerUnpublishVolume(request);
            code = Status.Code.OK;
        } catch (StatusRuntimeException e) {
            code = e.getStatus().getCode();
        }
        return history.record(Op.Kind.UNPUBLISH, volume, nodeId, start, System.nanoTime(), code, Map.of());
    }

    private static ControllerGrpc.ControllerBlockingStub stub(Supplier<ControllerGrpc.ControllerBlockingStub> controller) {
        return controller.get().withDeadlineAfter(15, TimeUnit.SECONDS);
    }
}
