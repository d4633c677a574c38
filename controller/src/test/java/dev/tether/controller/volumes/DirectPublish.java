package dev.tether.controller.volumes;

import csi.v1.Csi;
import dev.tether.controller.PublishedNodes;
import dev.tether.controller.backend.StorageBackend;
import dev.tether.controller.fencing.PublishRpcs;
import dev.tether.driver.error.InvalidArgumentException;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.VolumeId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test stand-in for the fencing half (owned elsewhere): publish grants the node's host NQN at the backend, unpublish
 * revokes it, with no attachment rules of its own. It lets backend tests and lab scenarios drive grant/revoke over
 * gRPC exactly as the real publish path will.
 */
final class DirectPublish implements PublishRpcs, PublishedNodes {
    private final StorageBackend backend;
    private final Map<VolumeId, Set<String>> published = new ConcurrentHashMap<>();

    DirectPublish(StorageBackend backend) {
        this.backend = backend;
    }

    @Override
    public Csi.ControllerPublishVolumeResponse publish(Csi.ControllerPublishVolumeRequest request) {
        VolumeId volume = new VolumeId(request.getVolumeId());
        NodeId node = node(request.getNodeId());
        backend.grantHost(volume, node.hostNqn());
        published.computeIfAbsent(volume, v -> ConcurrentHashMap.newKeySet()).add(node.value());
        return Csi.ControllerPublishVolumeResponse.getDefaultInstance();
    }

    @Override
    public Csi.ControllerUnpublishVolumeResponse unpublish(Csi.ControllerUnpublishVolumeRequest request) {
        VolumeId volume = new VolumeId(request.getVolumeId());
        NodeId node = node(request.getNodeId());
        backend.revokeHost(volume, node.hostNqn());
        published.getOrDefault(volume, ConcurrentHashMap.newKeySet()).remove(node.value());
        return Csi.ControllerUnpublishVolumeResponse.getDefaultInstance();
    }

    private static NodeId node(String raw) {
        try {
            return NodeId.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("node_id: " + e.getMessage());
        }
    }

    @Override
    public List<Csi.ControllerServiceCapability.RPC.Type> capabilities() {
        return List.of(Csi.ControllerServiceCapability.RPC.Type.PUBLISH_UNPUBLISH_VOLUME);
    }

    @Override
    public Set<String> publishedNodeIds(VolumeId volume) {
        return Set.copyOf(published.getOrDefault(volume, Set.of()));
    }
}
