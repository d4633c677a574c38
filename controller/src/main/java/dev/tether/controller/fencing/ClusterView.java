package dev.tether.controller.fencing;

import dev.tether.driver.model.VolumeId;
import java.util.Set;

/** What the reconciler needs from the cluster, read with a constant number of LIST calls. */
public interface ClusterView {
    /** Node names and the (volume, node name) pairs that have a VolumeAttachment of this driver. Throws on any API error. */
    Snapshot read();

    record Snapshot(Set<String> nodes, Set<Key> volumeAttachments) {
    }

    record Key(VolumeId volume, String nodeName) {
    }
}
