package dev.tether.node;

import csi.v1.Csi;
import csi.v1.NodeGrpc;
import dev.tether.driver.model.NodeId;
import io.grpc.stub.StreamObserver;

/**
 * CSI Node service. NodeGetInfo tells the controller who this node is, including its host NQN inside the node id
 * (see {@link NodeId}), so the controller can grant and revoke access at the target without extra RBAC.
 */
public final class NodeService extends NodeGrpc.NodeImplBase {
    private final NodeId nodeId;
    private final long maxVolumesPerNode;

    public NodeService(NodeId nodeId, long maxVolumesPerNode) {
        this.nodeId = nodeId;
        this.maxVolumesPerNode = maxVolumesPerNode;
    }

    @Override
    public void nodeGetInfo(Csi.NodeGetInfoRequest request, StreamObserver<Csi.NodeGetInfoResponse> response) {
        response.onNext(Csi.NodeGetInfoResponse.newBuilder()
                .setNodeId(nodeId.value())
                .setMaxVolumesPerNode(maxVolumesPerNode)
                .build());
        response.onCompleted();
    }

    @Override
    public void nodeGetCapabilities(Csi.NodeGetCapabilitiesRequest request,
            StreamObserver<Csi.NodeGetCapabilitiesResponse> response) {
        response.onNext(Csi.NodeGetCapabilitiesResponse.getDefaultInstance());
        response.onCompleted();
    }
}
