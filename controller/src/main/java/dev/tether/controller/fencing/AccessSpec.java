package dev.tether.controller.fencing;

import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import java.util.Set;

/**
 * What a publish asked for, reduced to what fencing decides on: the access mode, block or mount, and read-only.
 * Two publishes to the same node are compatible only when all three match.
 */
public record AccessSpec(Mode mode, boolean block, boolean readonly) {
    private static final Set<Mode> SINGLE_NODE = Set.of(Mode.SINGLE_NODE_WRITER, Mode.SINGLE_NODE_READER_ONLY,
            Mode.SINGLE_NODE_SINGLE_WRITER, Mode.SINGLE_NODE_MULTI_WRITER);

    public static AccessSpec of(Csi.VolumeCapability capability, boolean readonly) {
        return new AccessSpec(capability.getAccessMode().getMode(), capability.hasBlock(), readonly);
    }

    /** At most one node at any instant. Anything we do not know to be multi-node counts as single-node (safe side). */
    public boolean singleNode() {
        return !migration();
    }

    /** KubeVirt live migration: block MULTI_NODE_MULTI_WRITER, allowed on two nodes for a bounded window. */
    public boolean migration() {
        return mode == Mode.MULTI_NODE_MULTI_WRITER && block;
    }

    static boolean isSingleNodeMode(Mode mode) {
        return SINGLE_NODE.contains(mode);
    }

    @Override
    public String toString() {
        return mode + (block ? "/block" : "/mount") + (readonly ? "/readonly" : "");
    }
}
