package dev.tether.controller;

import csi.v1.Csi;
import dev.tether.controller.fencing.PublishRpcs;
import dev.tether.driver.error.UnimplementedException;
import dev.tether.driver.model.VolumeId;
import java.util.List;
import java.util.Set;

/**
 * The attach half of the Controller service while this build has no fencing: it advertises no publish capability,
 * answers UNIMPLEMENTED (what CSI asks of an RPC a plugin does not offer), and so never has a published node.
 */
final class NotServed implements PublishRpcs, PublishedNodes {

    private static <T> T no(String rpc) {
        throw new UnimplementedException(rpc + " is not served by this build of Tether");
    }

    @Override
    public List<Csi.ControllerServiceCapability.RPC.Type> capabilities() {
        return List.of();
    }

    @Override
    public Set<String> publishedNodeIds(VolumeId volume) {
        return Set.of();
    }

    @Override public Csi.ControllerPublishVolumeResponse publish(Csi.ControllerPublishVolumeRequest r) { return no("ControllerPublishVolume"); }
    @Override public Csi.ControllerUnpublishVolumeResponse unpublish(Csi.ControllerUnpublishVolumeRequest r) { return no("ControllerUnpublishVolume"); }
}
