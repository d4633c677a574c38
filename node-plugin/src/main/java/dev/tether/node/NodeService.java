package dev.tether.node;

import csi.v1.Csi;
import csi.v1.Csi.NodeServiceCapability.RPC.Type;
import csi.v1.NodeGrpc;
import dev.tether.driver.error.InvalidArgumentException;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.TopologySegments;
import dev.tether.driver.model.VolumeId;
import dev.tether.node.volume.NodeRequests;
import dev.tether.node.volume.StagedVolume;
import dev.tether.node.volume.VolumeInspector;
import dev.tether.node.volume.VolumeLocks;
import dev.tether.node.volume.VolumePublisher;
import dev.tether.node.volume.VolumeStager;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;

/**
 * CSI Node service: validate, lock the volume, delegate, respond. NodeGetInfo tells the controller who this node is,
 * including its host NQN inside the node id (see {@link NodeId}), so the controller can grant and revoke access at the
 * target without extra RBAC.
 */
public final class NodeService extends NodeGrpc.NodeImplBase {
    private static final List<Type> CAPABILITIES = List.of(Type.STAGE_UNSTAGE_VOLUME, Type.GET_VOLUME_STATS,
            Type.EXPAND_VOLUME, Type.VOLUME_CONDITION, Type.SINGLE_NODE_MULTI_WRITER);

    /** What the Node RPCs act through; NodeGetInfo and NodeGetCapabilities need none of it. */
    public record Volumes(NodeRequests requests, VolumeLocks locks, VolumeStager stager, VolumePublisher publisher,
            VolumeInspector inspector) {
    }

    private final NodeId nodeId;
    private final long maxVolumesPerNode;
    private final TopologySegments topology;
    private final Volumes volumes;

    public NodeService(NodeId nodeId, long maxVolumesPerNode, Volumes volumes) {
        this(nodeId, maxVolumesPerNode, TopologySegments.NONE, volumes);
    }

    /** With a non-empty {@code topology}, NodeGetInfo reports it as the node's one accessible topology. */
    public NodeService(NodeId nodeId, long maxVolumesPerNode, TopologySegments topology, Volumes volumes) {
        this.nodeId = nodeId;
        this.maxVolumesPerNode = maxVolumesPerNode;
        this.topology = topology;
        this.volumes = volumes;
    }

    @Override
    public void nodeStageVolume(Csi.NodeStageVolumeRequest request, StreamObserver<Csi.NodeStageVolumeResponse> response) {
        StagedVolume wanted = volumes.requests().stage(request);
        try (var lock = volumes.locks().acquire(wanted.volumeId().value(), "NodeStageVolume")) {
            volumes.stager().stage(wanted);
        }
        respond(response, Csi.NodeStageVolumeResponse.getDefaultInstance());
    }

    @Override
    public void nodeUnstageVolume(Csi.NodeUnstageVolumeRequest request, StreamObserver<Csi.NodeUnstageVolumeResponse> response) {
        VolumeId id = NodeRequests.volumeId(request.getVolumeId());
        Path staging = volumes.requests().path("staging_target_path", request.getStagingTargetPath());
        try (var lock = volumes.locks().acquire(id.value(), "NodeUnstageVolume")) {
            volumes.stager().unstage(id, staging);
        }
        respond(response, Csi.NodeUnstageVolumeResponse.getDefaultInstance());
    }

    @Override
    public void nodePublishVolume(Csi.NodePublishVolumeRequest request, StreamObserver<Csi.NodePublishVolumeResponse> response) {
        VolumeId id = NodeRequests.volumeId(request.getVolumeId());
        Path staging = volumes.requests().path("staging_target_path", request.getStagingTargetPath());
        Path target = volumes.requests().path("target_path", request.getTargetPath());
        if (target.equals(staging) || target.startsWith(staging) || staging.startsWith(target)) {
            throw new InvalidArgumentException("target_path '" + target + "' overlaps staging_target_path '" + staging + "'");
        }
        NodeRequests.Capability cap = NodeRequests.capability(request.hasVolumeCapability(), request.getVolumeCapability());
        try (var lock = volumes.locks().acquire(id.value(), "NodePublishVolume")) {
            volumes.publisher().publish(id, staging, target, cap.block(), request.getReadonly() || cap.readOnly());
        }
        respond(response, Csi.NodePublishVolumeResponse.getDefaultInstance());
    }

    @Override
    public void nodeUnpublishVolume(Csi.NodeUnpublishVolumeRequest request,
            StreamObserver<Csi.NodeUnpublishVolumeResponse> response) {
        VolumeId id = NodeRequests.volumeId(request.getVolumeId());
        Path target = volumes.requests().path("target_path", request.getTargetPath());
        try (var lock = volumes.locks().acquire(id.value(), "NodeUnpublishVolume")) {
            volumes.publisher().unpublish(id, target);
        }
        respond(response, Csi.NodeUnpublishVolumeResponse.getDefaultInstance());
    }

    @Override
    public void nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest request,
            StreamObserver<Csi.NodeGetVolumeStatsResponse> response) {
        VolumeId id = NodeRequests.volumeId(request.getVolumeId());
        Path path = volumes.requests().path("volume_path", request.getVolumePath());
        respond(response, volumes.inspector().stats(id, path));
    }

    @Override
    public void nodeExpandVolume(Csi.NodeExpandVolumeRequest request, StreamObserver<Csi.NodeExpandVolumeResponse> response) {
        VolumeId id = NodeRequests.volumeId(request.getVolumeId());
        Path path = volumes.requests().path("volume_path", request.getVolumePath());
        long required = request.getCapacityRange().getRequiredBytes();
        if (required < 0 || request.getCapacityRange().getLimitBytes() < 0) {
            throw new InvalidArgumentException("capacity_range must not be negative");
        }
        if (request.hasVolumeCapability()) {
            NodeRequests.capability(true, request.getVolumeCapability());
        }
        long size;
        try (var lock = volumes.locks().acquire(id.value(), "NodeExpandVolume")) {
            size = volumes.inspector().expand(id, path, required);
        }
        respond(response, Csi.NodeExpandVolumeResponse.newBuilder().setCapacityBytes(size).build());
    }

    @Override
    public void nodeGetInfo(Csi.NodeGetInfoRequest request, StreamObserver<Csi.NodeGetInfoResponse> response) {
        Csi.NodeGetInfoResponse.Builder info = Csi.NodeGetInfoResponse.newBuilder()
                .setNodeId(nodeId.value())
                .setMaxVolumesPerNode(maxVolumesPerNode);
        if (!topology.isEmpty()) {
            info.setAccessibleTopology(topology.toProto());
        }
        respond(response, info.build());
    }

    @Override
    public void nodeGetCapabilities(Csi.NodeGetCapabilitiesRequest request,
            StreamObserver<Csi.NodeGetCapabilitiesResponse> response) {
        Csi.NodeGetCapabilitiesResponse.Builder out = Csi.NodeGetCapabilitiesResponse.newBuilder();
        for (Type type : CAPABILITIES) {
            out.addCapabilities(Csi.NodeServiceCapability.newBuilder()
                    .setRpc(Csi.NodeServiceCapability.RPC.newBuilder().setType(type)));
        }
        respond(response, out.build());
    }

    private static <T> void respond(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }
}
