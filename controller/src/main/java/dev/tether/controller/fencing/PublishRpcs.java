package dev.tether.controller.fencing;

import csi.v1.Csi;

/** The attach half of the CSI Controller service: publish and unpublish with fencing. */
public interface PublishRpcs {
    Csi.ControllerPublishVolumeResponse publish(Csi.ControllerPublishVolumeRequest request);

    Csi.ControllerUnpublishVolumeResponse unpublish(Csi.ControllerUnpublishVolumeRequest request);

    /** The Controller capabilities this half serves. */
    java.util.List<Csi.ControllerServiceCapability.RPC.Type> capabilities();
}
