package dev.tether.controller.volumes;

import csi.v1.Csi;

/** The volume lifecycle half of the CSI Controller service (everything but publish/unpublish). */
public interface VolumeRpcs {
    Csi.CreateVolumeResponse createVolume(Csi.CreateVolumeRequest request);

    Csi.DeleteVolumeResponse deleteVolume(Csi.DeleteVolumeRequest request);

    Csi.ValidateVolumeCapabilitiesResponse validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest request);

    Csi.ListVolumesResponse listVolumes(Csi.ListVolumesRequest request);

    Csi.GetCapacityResponse getCapacity(Csi.GetCapacityRequest request);

    Csi.ControllerExpandVolumeResponse expandVolume(Csi.ControllerExpandVolumeRequest request);

    Csi.ControllerGetVolumeResponse getVolume(Csi.ControllerGetVolumeRequest request);

    Csi.CreateSnapshotResponse createSnapshot(Csi.CreateSnapshotRequest request);

    Csi.DeleteSnapshotResponse deleteSnapshot(Csi.DeleteSnapshotRequest request);

    Csi.ListSnapshotsResponse listSnapshots(Csi.ListSnapshotsRequest request);

    /** The Controller capabilities this half serves. */
    java.util.List<Csi.ControllerServiceCapability.RPC.Type> capabilities();
}
