package dev.tether.driver.conformance;

import static dev.tether.driver.conformance.RpcProbe.codeOf;

import csi.v1.Csi;
import csi.v1.Csi.NodeServiceCapability.RPC.Type;
import csi.v1.NodeGrpc;
import io.grpc.Status;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.assertj.core.api.SoftAssertions;

/** CSI spec rules for the Node service: capabilities tell the truth and malformed requests get INVALID_ARGUMENT. */
public final class NodeRules {
    private NodeRules() {
    }

    private record Call(Type capability, Supplier<?> call) {
    }

    public static void check(NodeGrpc.NodeBlockingStub node) {
        List<Type> types = node.nodeGetCapabilities(Csi.NodeGetCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList().stream().map(c -> c.getRpc().getType()).toList();
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(types).as("node capabilities listed once each").doesNotHaveDuplicates().doesNotContain(Type.UNKNOWN);
        Set<Type> advertised = types.isEmpty() ? EnumSet.noneOf(Type.class) : EnumSet.copyOf(types);

        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("NodeStageVolume", new Call(Type.STAGE_UNSTAGE_VOLUME,
                () -> node.nodeStageVolume(Csi.NodeStageVolumeRequest.getDefaultInstance())));
        calls.put("NodeUnstageVolume", new Call(Type.STAGE_UNSTAGE_VOLUME,
                () -> node.nodeUnstageVolume(Csi.NodeUnstageVolumeRequest.getDefaultInstance())));
        calls.put("NodePublishVolume", new Call(null,
                () -> node.nodePublishVolume(Csi.NodePublishVolumeRequest.getDefaultInstance())));
        calls.put("NodeUnpublishVolume", new Call(null,
                () -> node.nodeUnpublishVolume(Csi.NodeUnpublishVolumeRequest.getDefaultInstance())));
        calls.put("NodeGetVolumeStats", new Call(Type.GET_VOLUME_STATS,
                () -> node.nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.getDefaultInstance())));
        calls.put("NodeExpandVolume", new Call(Type.EXPAND_VOLUME,
                () -> node.nodeExpandVolume(Csi.NodeExpandVolumeRequest.getDefaultInstance())));
        calls.forEach((name, c) -> {
            Status.Code code = codeOf(c.call());
            soft.assertThat(code).as(name + " never answers UNKNOWN or INTERNAL to a malformed request")
                    .isNotIn(Status.Code.UNKNOWN, Status.Code.INTERNAL);
            boolean mandatory = c.capability() == null || advertised.contains(c.capability());
            soft.assertThat(code).as(name + (mandatory ? " is served and must reject a request missing required fields"
                    : " is not advertised, so it must answer UNIMPLEMENTED"))
                    .isEqualTo(mandatory ? Status.Code.INVALID_ARGUMENT : Status.Code.UNIMPLEMENTED);
        });
        soft.assertThat(codeOf(() -> node.nodeGetInfo(Csi.NodeGetInfoRequest.getDefaultInstance())))
                .as("NodeGetInfo is required").isEqualTo(Status.Code.OK);
        soft.assertAll();
    }
}
