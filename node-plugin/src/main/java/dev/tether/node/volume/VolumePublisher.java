package dev.tether.node.volume;

import dev.tether.driver.error.AlreadyExistsException;
import dev.tether.driver.error.FailedPreconditionException;
import dev.tether.driver.error.InvalidArgumentException;
import dev.tether.driver.model.VolumeId;
import dev.tether.node.mount.MountPoint;
import dev.tether.node.mount.Mounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NodePublishVolume and NodeUnpublishVolume: a bind mount of the staging mount onto the pod's target directory
 * (read-only when asked), or of the staged device file onto a file at the target path for block volumes.
 */
public final class VolumePublisher {
    private static final Logger LOG = LoggerFactory.getLogger(VolumePublisher.class);

    private final StagedVolumeStore store;
    private final Mounter mounter;

    public VolumePublisher(StagedVolumeStore store, Mounter mounter) {
        this.store = store;
        this.mounter = mounter;
    }

    /** Callers hold the volume's lock. */
    public void publish(VolumeId id, Path staging, Path target, boolean block, boolean readOnly) {
        StagedVolume staged = store.get(id).orElseThrow(() -> new FailedPreconditionException(
                "volume " + id + " is not staged on this node; NodeStageVolume first"));
        if (!staged.stagingPath().equals(staging)) {
            throw new InvalidArgumentException("staging_target_path '" + staging + "' is not where volume " + id
                    + " is staged (" + staged.stagingPath() + ")");
        }
        if (staged.block() != block) {
            throw new InvalidArgumentException("volume_capability asks for " + (block ? "block" : "mount")
                    + " access, but volume " + id + " is staged as " + (staged.block() ? "block" : "mount"));
        }
        Path source = staged.stagedMount();
        MountPoint stagedMount = mounter.mountAt(source).orElseThrow(() -> new FailedPreconditionException(
                "volume " + id + " has no staging mount at " + source + "; NodeStageVolume again"));
        boolean ro = readOnly || staged.readOnly();
        Optional<MountPoint> existing = mounter.mountAt(target);
        if (existing.isPresent()) {
            MountPoint m = existing.get();
            if (m.device().equals(stagedMount.device()) && m.root().equals(stagedMount.root()) && m.readOnly() == ro) {
                return;
            }
            throw new AlreadyExistsException("target_path " + target + " is already published"
                    + (m.readOnly() != ro ? " with readonly=" + m.readOnly() : " from another source"));
        }
        try {
            if (block) {
                Files.createDirectories(target.getParent());
                if (!Files.exists(target)) {
                    Files.createFile(target);
                }
            } else {
                Files.createDirectories(target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create target_path " + target + ": " + e.getMessage(), e);
        }
        mounter.bindMount(source, target, ro);
        LOG.info("published {} at {}{}", id, target, ro ? " (read-only)" : "");
    }

    /** Idempotent: a target that is not mounted or does not exist is fine. */
    public void unpublish(VolumeId id, Path target) {
        while (mounter.mountAt(target).isPresent()) {
            mounter.unmount(target);
        }
        try {
            Files.deleteIfExists(target);
        } catch (DirectoryNotEmptyException e) {
            throw new FailedPreconditionException("target_path " + target + " is not mounted but not empty either; "
                    + "leaving it for an operator rather than deleting data");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove target_path " + target + ": " + e.getMessage(), e);
        }
        LOG.info("unpublished {} from {}", id, target);
    }
}
