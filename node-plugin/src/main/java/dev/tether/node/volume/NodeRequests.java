package dev.tether.node.volume;

import dev.tether.driver.model.VolumeContextKeys;
import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.driver.error.InvalidArgumentException;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import dev.tether.node.nvme.NvmeTarget;
import dev.tether.node.nvme.NvmeTimeouts;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validates Node RPC requests: every refusal is INVALID_ARGUMENT naming the field and the value. */
public final class NodeRequests {
    static final Set<String> FS_TYPES = Set.of("ext4", "xfs");
    private static final Set<Mode> SINGLE_NODE = EnumSet.of(Mode.SINGLE_NODE_WRITER, Mode.SINGLE_NODE_READER_ONLY,
            Mode.SINGLE_NODE_SINGLE_WRITER, Mode.SINGLE_NODE_MULTI_WRITER);
    private static final Set<Mode> READ_ONLY = EnumSet.of(Mode.SINGLE_NODE_READER_ONLY, Mode.MULTI_NODE_READER_ONLY);

    private final KubeletPaths paths;

    public NodeRequests(KubeletPaths paths) {
        this.paths = paths;
    }

    public static VolumeId volumeId(String value) {
        if (value.isEmpty()) {
            throw new InvalidArgumentException("volume_id is missing");
        }
        if (!VolumeId.isValid(value)) {
            throw new InvalidArgumentException("volume_id '" + value + "' is not a Tether volume id");
        }
        return new VolumeId(value);
    }

    public Path path(String field, String value) {
        return paths.check(field, value);
    }

    /** The volume as NodeStageVolume asks for it; the device is resolved later. */
    public StagedVolume stage(Csi.NodeStageVolumeRequest r) {
        VolumeId id = volumeId(r.getVolumeId());
        Path staging = paths.check("staging_target_path", r.getStagingTargetPath());
        Capability cap = capability(r.hasVolumeCapability(), r.getVolumeCapability());
        Map<String, String> ctx = r.getPublishContextMap().isEmpty() ? r.getVolumeContextMap() : merged(r);
        NvmeTarget target = target(ctx);
        String fsType = "";
        if (!cap.block()) {
            String fromContext = ctx.getOrDefault(VolumeContextKeys.FS_TYPE, "");
            String fromCap = cap.fsType();
            if (!fromCap.isEmpty() && !fromContext.isEmpty() && !fromCap.equals(fromContext)) {
                throw new InvalidArgumentException("volume_capability.mount.fs_type '" + fromCap + "' disagrees with volume_context."
                        + VolumeContextKeys.FS_TYPE + " '" + fromContext + "' the volume was created with");
            }
            fsType = !fromCap.isEmpty() ? fromCap : !fromContext.isEmpty() ? fromContext : "ext4";
            if (!FS_TYPES.contains(fsType)) {
                throw new InvalidArgumentException("fs_type '" + fsType + "' is not supported (ext4, xfs)");
            }
        }
        return new StagedVolume(id, target, staging, cap.block(), fsType, cap.mountFlags(), cap.readOnly(), "",
                ClaimRef.from(r.getVolumeContextMap()));
    }

    private static Map<String, String> merged(Csi.NodeStageVolumeRequest r) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(r.getVolumeContextMap());
        all.putAll(r.getPublishContextMap());
        return all;
    }

    /** The capability in the forms the node serves. */
    public record Capability(boolean block, String fsType, List<String> mountFlags, boolean readOnly) {
    }

    public static Capability capability(boolean present, Csi.VolumeCapability c) {
        if (!present) {
            throw new InvalidArgumentException("volume_capability is missing");
        }
        Mode mode = c.getAccessMode().getMode();
        boolean block = c.hasBlock();
        if (!block && !c.hasMount()) {
            throw new InvalidArgumentException("volume_capability has neither block nor mount access type");
        }
        if (!SINGLE_NODE.contains(mode) && !(block && mode == Mode.MULTI_NODE_MULTI_WRITER)) {
            throw new InvalidArgumentException("volume_capability.access_mode " + mode + " is not supported"
                    + (block ? "" : " for mount volumes (single-node modes only)"));
        }
        if (block) {
            return new Capability(true, "", List.of(), READ_ONLY.contains(mode));
        }
        for (String flag : c.getMount().getMountFlagsList()) {
            if (flag.isBlank() || flag.contains(",") || flag.startsWith("-")) {
                throw new InvalidArgumentException("volume_capability.mount.mount_flags entry '" + flag
                        + "' is not a single mount option");
            }
        }
        return new Capability(false, c.getMount().getFsType(), List.copyOf(c.getMount().getMountFlagsList()),
                READ_ONLY.contains(mode));
    }

    static NvmeTarget target(Map<String, String> ctx) {
        String transport = ctx.getOrDefault(VolumeContextKeys.TRANSPORT, "tcp");
        if (!transport.equals("tcp")) {
            throw new InvalidArgumentException("volume_context." + VolumeContextKeys.TRANSPORT + " '" + transport
                    + "' cannot be staged on a node (only tcp)");
        }
        String nqnText = required(ctx, VolumeContextKeys.NQN);
        Nqn nqn;
        try {
            nqn = new Nqn(nqnText);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("volume_context." + VolumeContextKeys.NQN + ": " + e.getMessage());
        }
        String address = required(ctx, VolumeContextKeys.TRANSPORT_ADDRESS);
        if (!address.matches("[0-9A-Za-z.:%-]+")) {
            throw new InvalidArgumentException("volume_context." + VolumeContextKeys.TRANSPORT_ADDRESS + " '" + address
                    + "' is not an address");
        }
        int port = number(ctx, VolumeContextKeys.TRANSPORT_PORT, null, 1, 65535);
        int nsid = number(ctx, VolumeContextKeys.NSID, 1, 1, Integer.MAX_VALUE);
        NvmeTimeouts d = NvmeTimeouts.DEFAULTS;
        int ctrlLoss = number(ctx, VolumeContextKeys.CTRL_LOSS_TMO, d.ctrlLossTmo(), -1, 31_536_000);
        if (ctrlLoss == 0) {
            throw new InvalidArgumentException("volume_context." + VolumeContextKeys.CTRL_LOSS_TMO + " '0' must be -1 or positive");
        }
        NvmeTimeouts t = new NvmeTimeouts(ctrlLoss,
                number(ctx, VolumeContextKeys.RECONNECT_DELAY, d.reconnectDelay(), 1, 3600),
                number(ctx, VolumeContextKeys.KEEP_ALIVE_TMO, d.keepAliveTmo(), 1, 3600),
                number(ctx, VolumeContextKeys.FAST_IO_FAIL_TMO, d.fastIoFailTmo(), 0, 3600));
        return new NvmeTarget(nqn, address, port, nsid, t);
    }

    private static String required(Map<String, String> ctx, String key) {
        String v = ctx.get(key);
        if (v == null || v.isBlank()) {
            throw new InvalidArgumentException("volume_context." + key + " is missing");
        }
        return v;
    }

    private static int number(Map<String, String> ctx, String key, Integer dflt, int min, int max) {
        String v = ctx.get(key);
        if (v == null) {
            if (dflt == null) {
                throw new InvalidArgumentException("volume_context." + key + " is missing");
            }
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("volume_context." + key + " '" + v + "' is not a number in " + min + ".." + max);
        }
    }
}
