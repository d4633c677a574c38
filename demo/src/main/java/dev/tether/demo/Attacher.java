package dev.tether.demo;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/** Plays external-attacher: a VolumeAttachment appears, it calls ControllerPublish, and records the answer. */
final class Attacher {
    private final ControllerGrpc.ControllerBlockingStub controller;
    private final Cluster cluster;
    private final Narrator say;

    Attacher(ControllerGrpc.ControllerBlockingStub controller, Cluster cluster, Narrator say) {
        this.controller = controller;
        this.cluster = cluster;
        this.say = say;
    }

    static String nodeId(String node) {
        // A node plugin reports <node-name>/<host-nqn>: the controller grants that NQN at the storage target.
        return node + "/nqn.2014-08.org.nvmexpress:uuid:" + switch (node) {
            case "node-a" -> "0a000000-0000-4000-8000-00000000000a";
            case "node-b" -> "0b000000-0000-4000-8000-00000000000b";
            default -> "0c000000-0000-4000-8000-00000000000c";
        };
    }

    /** Returns the gRPC code the controller answered. */
    String attach(String volumeId, String pv, String node, Csi.VolumeCapability capability) {
        cluster.attachment(pv, node);
        say.call("VolumeAttachment " + pv + " -> " + node + " created; csi-attacher calls ControllerPublishVolume(" + node + ")");
        String code = publish(volumeId, node, capability);
        if ("OK".equals(code)) {
            cluster.markAttached(pv, node, true);
        }
        return code;
    }

    /** The attacher retries a failed attach; the demo calls this for the retry. */
    String publish(String volumeId, String node, Csi.VolumeCapability capability) {
        try {
            Csi.ControllerPublishVolumeResponse response = stub().controllerPublishVolume(
                    Csi.ControllerPublishVolumeRequest.newBuilder().setVolumeId(volumeId).setNodeId(nodeId(node))
                            .setVolumeCapability(capability).build());
            say.answer("OK", "publish_context " + response.getPublishContextMap());
            return "OK";
        } catch (StatusRuntimeException e) {
            say.answer(e.getStatus().getCode().name(), e.getStatus().getDescription());
            return e.getStatus().getCode().name();
        }
    }

    String detach(String volumeId, String pv, String node) {
        say.call("pod left " + node + "; csi-attacher calls ControllerUnpublishVolume(" + node + ") and removes the VolumeAttachment");
        try {
            stub().controllerUnpublishVolume(Csi.ControllerUnpublishVolumeRequest.newBuilder()
                    .setVolumeId(volumeId).setNodeId(nodeId(node)).build());
            say.answer("OK", "");
            cluster.deleteAttachment(pv, node);
            return "OK";
        } catch (StatusRuntimeException e) {
            say.answer(e.getStatus().getCode().name(), e.getStatus().getDescription());
            return e.getStatus().getCode().name();
        }
    }

    private ControllerGrpc.ControllerBlockingStub stub() {
        return controller.withDeadlineAfter(20, TimeUnit.SECONDS);
    }
}
