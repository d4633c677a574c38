package dev.tether.controller.volumes;

import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.controller.backend.VolumeParameters;
import dev.tether.driver.error.InvalidArgumentException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which volume capabilities Tether serves. Block volumes: every single-node mode, and MULTI_NODE_MULTI_WRITER for
 * KubeVirt live migration (two nodes for a bounded window, enforced at publish). Mount volumes: single-node only,
 * because a local file system on two nodes at once corrupts.
 */
public final class Capabilities {
    private static final Set<Mode> SINGLE_NODE = Set.of(Mode.SINGLE_NODE_WRITER, Mode.SINGLE_NODE_READER_ONLY,
            Mode.SINGLE_NODE_SINGLE_WRITER, Mode.SINGLE_NODE_MULTI_WRITER);

    private Capabilities() {
    }

    /** Why {@code capability} is not served, or empty if it is; {@code field} names it in the message. */
    public static Optional<String> problem(Csi.VolumeCapability capability, String field, String fsTypeParameter) {
        if (!capability.hasAccessMode() || capability.getAccessMode().getMode() == Mode.UNKNOWN) {
            return Optional.of(field + ".access_mode is missing");
        }
        Mode mode = capability.getAccessMode().getMode();
        switch (capability.getAccessTypeCase()) {
            case BLOCK -> {
                if (!SINGLE_NODE.contains(mode) && mode != Mode.MULTI_NODE_MULTI_WRITER) {
                    return Optional.of(field + ".access_mode " + mode + " is not supported: block volumes are single-node, "
                            + "or MULTI_NODE_MULTI_WRITER for live migration");
                }
            }
            case MOUNT -> {
                if (!SINGLE_NODE.contains(mode)) {
                    return Optional.of(field + ".access_mode " + mode + " is not supported for mount volumes: only block "
                            + "volumes support multi-node access (MULTI_NODE_MULTI_WRITER, for live migration)");
                }
                String fsType = capability.getMount().getFsType();
                if (!fsType.isEmpty() && !VolumeParameters.FS_TYPES.contains(fsType)) {
                    return Optional.of(field + ".mount.fs_type '" + fsType + "' is not supported; use one of " + VolumeParameters.FS_TYPES);
                }
                if (!fsType.isEmpty() && fsTypeParameter != null && !fsType.equals(fsTypeParameter)) {
                    return Optional.of(field + ".mount.fs_type '" + fsType + "' contradicts parameter fsType '" + fsTypeParameter + "'");
                }
            }
            default -> {
                return Optional.of(field + " has neither block nor mount access type");
            }
        }
        return Optional.empty();
    }

    /** INVALID_ARGUMENT for a missing list or the first unsupported capability. */
    static void require(List<Csi.VolumeCapability> capabilities, String field, String fsTypeParameter) {
        if (capabilities.isEmpty()) {
            throw new InvalidArgumentException(field + " is missing");
        }
        for (int i = 0; i < capabilities.size(); i++) {
            Optional<String> problem = problem(capabilities.get(i), field + "[" + i + "]", fsTypeParameter);
            if (problem.isPresent()) {
                throw new InvalidArgumentException(problem.get());
            }
        }
    }
}
