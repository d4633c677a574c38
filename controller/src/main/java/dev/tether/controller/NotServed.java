package dev.tether.controller;

import csi.v1.Csi;
import dev.tether.controller.fencing.PublishRpcs;
import dev.tether.controller.volumes.VolumeRpcs;
import dev.tether.driver.error.UnimplementedException;
import java.util.List;

/**
 * Placeholders for halves of the Controller service this build does not serve yet: they advertise no capability
 * and answer UNIMPLEMENTED, which is what the CSI spec asks of an RPC a plugin does not offer.
 */
final class NotServed implements VolumeRpcs, PublishRpcs {

    private static <T> T no(String rpc) {
        throw new UnimplementedException(rpc + " is not served by this build of Tether");
    }

    @Override
    public List<Csi.ControllerServiceCapability.RPC.Type> capabilities() {
        return List.of();
    }

    @Override public Csi.CreateVolumeResponse createVolume(Csi.CreateVolumeRequest r) { return no("CreateVolume"); }
    @Override public Csi.DeleteVolumeResponse deleteVolume(Csi.DeleteVolumeRequest r) { return no("DeleteVolume"); }
    @Override public Csi.ValidateVolumeCapabilitiesResponse validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest r) { return no("ValidateVolumeCapabilities"); }
    @Override public Csi.ListVolumesResponse listVolumes(Csi.ListVolumesRequest r) { return no("ListVolumes"); }
    @Override public Csi.GetCapacityResponse getCapacity(Csi.GetCapacityRequest r) { return no("GetCapacity"); }
    @Override public Csi.ControllerExpandVolumeResponse expandVolume(Csi.ControllerExpandVolumeRequest r) { return no("ControllerExpandVolume"); }
    @Override public Csi.ControllerGetVolumeResponse getVolume(Csi.ControllerGetVolumeRequest r) { return no("ControllerGetVolume"); }
    @Override public Csi.CreateSnapshotResponse createSnapshot(Csi.CreateSnapshotRequest r) { return no("CreateSnapshot"); }
    @Override public Csi.DeleteSnapshotResponse deleteSnapshot(Csi.DeleteSnapshotRequest r) { return no("DeleteSnapshot"); }
    @Override public Csi.ListSnapshotsResponse listSnapshots(Csi.ListSnapshotsRequest r) { return no("ListSnapshots"); }
    @Override public Csi.ControllerPublishVolumeResponse publish(Csi.ControllerPublishVolumeRequest r) { return no("ControllerPublishVolume"); }
    @Override public Csi.ControllerUnpublishVolumeResponse unpublish(Csi.ControllerUnpublishVolumeRequest r) { return no("ControllerUnpublishVolume"); }
}
