package dev.tether.driver.conformance;

import static dev.tether.driver.conformance.RpcProbe.codeOf;
import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import csi.v1.Csi.ControllerServiceCapability.RPC.Type;
import io.grpc.Status;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.assertj.core.api.SoftAssertions;

/**
 * CSI spec rules for the Controller service: capabilities tell the truth (an advertised RPC is served, an
 * unadvertised optional RPC answers UNIMPLEMENTED), required fields are checked, and nothing answers UNKNOWN.
 */
public final class ControllerRules {
    private ControllerRules() {
    }

    public static Set<Type> capabilities(ControllerGrpc.ControllerBlockingStub controller) {
        List<Type> types = controller.controllerGetCapabilities(Csi.ControllerGetCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList().stream().map(c -> c.getRpc().getType()).toList();
        assertThat(types).as("capabilities are listed once each").doesNotHaveDuplicates().doesNotContain(Type.UNKNOWN);
        return types.isEmpty() ? EnumSet.noneOf(Type.class) : EnumSet.copyOf(types);
    }

    /** An RPC called with an empty request, and the capability that makes it mandatory (null: always required). */
    private record Call(Type capability, boolean emptyRequestIsValid, Supplier<?> call) {
    }

    public static void check(ControllerGrpc.ControllerBlockingStub controller) {
        Set<Type> advertised = capabilities(controller);
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("CreateVolume", new Call(Type.CREATE_DELETE_VOLUME, false,
                () -> controller.createVolume(Csi.CreateVolumeRequest.getDefaultInstance())));
        calls.put("DeleteVolume", new Call(Type.CREATE_DELETE_VOLUME, false,
                () -> controller.deleteVolume(Csi.DeleteVolumeRequest.getDefaultInstance())));
        calls.put("ControllerPublishVolume", new Call(Type.PUBLISH_UNPUBLISH_VOLUME, false,
                () -> controller.controllerPublishVolume(Csi.ControllerPublishVolumeRequest.getDefaultInstance())));
        calls.put("ControllerUnpublishVolume", new Call(Type.PUBLISH_UNPUBLISH_VOLUME, false,
                () -> controller.controllerUnpublishVolume(Csi.ControllerUnpublishVolumeRequest.getDefaultInstance())));
        calls.put("ValidateVolumeCapabilities", new Call(null, false,
                () -> controller.validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest.getDefaultInstance())));
        calls.put("ListVolumes", new Call(Type.LIST_VOLUMES, true,
                () -> controller.listVolumes(Csi.ListVolumesRequest.getDefaultInstance())));
        calls.put("GetCapacity", new Call(Type.GET_CAPACITY, true,
                () -> controller.getCapacity(Csi.GetCapacityRequest.getDefaultInstance())));
        calls.put("CreateSnapshot", new Call(Type.CREATE_DELETE_SNAPSHOT, false,
                () -> controller.createSnapshot(Csi.CreateSnapshotRequest.getDefaultInstance())));
        calls.put("DeleteSnapshot", new Call(Type.CREATE_DELETE_SNAPSHOT, false,
                () -> controller.deleteSnapshot(Csi.DeleteSnapshotRequest.getDefaultInstance())));
        calls.put("ListSnapshots", new Call(Type.LIST_SNAPSHOTS, true,
                () -> controller.listSnapshots(Csi.ListSnapshotsRequest.getDefaultInstance())));
        calls.put("ControllerExpandVolume", new Call(Type.EXPAND_VOLUME, false,
                () -> controller.controllerExpandVolume(Csi.ControllerExpandVolumeRequest.getDefaultInstance())));
        calls.put("ControllerGetVolume", new Call(Type.GET_VOLUME, false,
                () -> controller.controllerGetVolume(Csi.ControllerGetVolumeRequest.getDefaultInstance())));
        calls.put("ControllerModifyVolume", new Call(Type.MODIFY_VOLUME, false,
                () -> controller.controllerModifyVolume(Csi.ControllerModifyVolumeRequest.getDefaultInstance())));

        SoftAssertions soft = new SoftAssertions();
        calls.forEach((name, c) -> {
            Status.Code code = codeOf(c.call());
            soft.assertThat(code).as(name + " never answers UNKNOWN or INTERNAL to a malformed request")
                    .isNotIn(Status.Code.UNKNOWN, Status.Code.INTERNAL);
            boolean mandatory = c.capability() == null || advertised.contains(c.capability());
            if (!mandatory) {
                soft.assertThat(code).as(name + " is not advertised, so it must answer UNIMPLEMENTED")
                        .isEqualTo(Status.Code.UNIMPLEMENTED);
            } else if (c.emptyRequestIsValid()) {
                soft.assertThat(code).as(name + " is served and an empty request is valid").isEqualTo(Status.Code.OK);
            } else {
                soft.assertThat(code).as(name + " is served and must reject a request missing required fields")
                        .isEqualTo(Status.Code.INVALID_ARGUMENT);
            }
        });
        soft.assertAll();
    }
}
