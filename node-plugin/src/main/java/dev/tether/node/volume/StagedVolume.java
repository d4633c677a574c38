package dev.tether.node.volume;

import dev.tether.driver.model.VolumeId;
import dev.tether.node.nvme.NvmeTarget;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A volume this node has staged: where it comes from, where it is mounted, and the block device it had when last
 * resolved (a hint only: the device is always re-resolved by NQN). Block volumes are bind-mounted onto a file inside
 * the staging directory, so "staged" is visible in the mount table for both kinds. {@code claim} is where its events
 * go; it plays no part in staging.
 */
public record StagedVolume(VolumeId volumeId, NvmeTarget target, Path stagingPath, boolean block, String fsType,
        List<String> mountFlags, boolean readOnly, String device, Optional<ClaimRef> claim) {

    public StagedVolume {
        mountFlags = List.copyOf(mountFlags);
    }

    /** What is mounted at staging: the staging directory itself, or the device file inside it for block. */
    public Path stagedMount() {
        return block ? stagingPath.resolve(volumeId.value()) : stagingPath;
    }

    public StagedVolume withDevice(String newDevice) {
        return new StagedVolume(volumeId, target, stagingPath, block, fsType, mountFlags, readOnly, newDevice, claim);
    }

    /** Same volume, staged the same way: a repeated NodeStageVolume is a no-op. */
    public boolean sameStaging(StagedVolume other) {
        return volumeId.equals(other.volumeId) && target.equals(other.target) && stagingPath.equals(other.stagingPath)
                && block == other.block && fsType.equals(other.fsType) && mountFlags.equals(other.mountFlags)
                && readOnly == other.readOnly;
    }
}
