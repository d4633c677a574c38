package dev.tether.node.volume;

import dev.tether.driver.error.AlreadyExistsException;
import dev.tether.driver.error.FailedPreconditionException;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import dev.tether.driver.sys.Sysfs;
import dev.tether.node.mount.FsProbe;
import dev.tether.node.mount.MountPoint;
import dev.tether.node.mount.Mounter;
import dev.tether.node.nvme.NvmeConnector;
import dev.tether.node.nvme.NvmeTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NodeStageVolume and NodeUnstageVolume: connect, find the device by NQN, format only a blank device, mount (or
 * bind the block device onto a file in the staging dir), and the reverse. A failed stage undoes what it did itself,
 * so kubelet's retry starts clean; unstage disconnects only when no other staged volume uses the subsystem.
 */
public final class VolumeStager {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeStager.class);

    private final StagedVolumeStore store;
    private final NvmeConnector connector;
    private final Mounter mounter;
    private final Sysfs sysfs;
    private final VolumeHealth health;

    public VolumeStager(StagedVolumeStore store, NvmeConnector connector, Mounter mounter, Sysfs sysfs, VolumeHealth health) {
        this.store = store;
        this.connector = connector;
        this.mounter = mounter;
        this.sysfs = sysfs;
        this.health = health;
    }

    public Path devicePath(String device) {
        return sysfs.path("/dev/" + device);
    }

    /** Callers hold the volume's lock. */
    public void stage(StagedVolume wanted) {
        Optional<StagedVolume> existing = store.get(wanted.volumeId());
        if (existing.isPresent() && !existing.get().sameStaging(wanted)) {
            throw new AlreadyExistsException("volume " + wanted.volumeId() + " is already staged at "
                    + existing.get().stagingPath() + " with a different capability or source");
        }
        boolean subsystemInUse = store.usedByOthers(wanted.target().subsystem(), wanted.volumeId()) || existing.isPresent();
        boolean connectedBefore = connector.controllerExists(wanted.target());
        List<Runnable> undo = new ArrayList<>();
        if (!connectedBefore && !subsystemInUse) {
            undo.add(() -> connector.disconnect(wanted.target().subsystem()));
        }
        try {
            connector.connect(wanted.target());
            String device = connector.resolveDevice(wanted.target());
            StagedVolume staged = wanted.withDevice(device);
            if (existing.isEmpty()) {
                undo.add(() -> store.delete(wanted.volumeId()));
            }
            // Recorded before mounting: a crash between the two leaves a record the start-up pass can reason about.
            store.save(staged);
            if (staged.block()) {
                stageBlock(staged, undo);
            } else {
                stageFilesystem(staged, undo);
            }
            health.healthy(staged.volumeId().value());
            LOG.info("staged {} ({}) from {} on {}", staged.volumeId(), staged.block() ? "block" : staged.fsType(),
                    staged.target().subsystem(), device);
        } catch (RuntimeException e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                try {
                    undo.get(i).run();
                } catch (RuntimeException u) {
                    e.addSuppressed(u);
                }
            }
            throw e;
        }
    }

    private void stageFilesystem(StagedVolume v, List<Runnable> undo) {
        Path device = devicePath(v.device());
        Optional<MountPoint> mounted = mounter.mountAt(v.stagingPath());
        boolean stale = false;
        if (mounted.isPresent()) {
            if (mounted.get().source().equals(device.toString())) {
                return;
            }
            if (!staleNvmeMount(mounted.get())) {
                throw new AlreadyExistsException("staging_target_path " + v.stagingPath() + " already has "
                        + mounted.get().source() + " mounted, not " + device);
            }
            // Our own mount of a namespace device that was deleted with its controller: it can do no I/O any more.
            LOG.info("replacing the stale staging mount of {} ({} is gone)", v.volumeId(), mounted.get().source());
            mounter.unmount(v.stagingPath());
            stale = true;
        }
        FsProbe probe = mounter.probe(device);
        if (probe.partitionTable().isPresent()) {
            throw new FailedPreconditionException("volume " + v.volumeId() + " (" + device + ") carries a "
                    + probe.partitionTable().get() + " partition table; Tether mounts whole-device file systems only");
        }
        if (probe.fsType().isPresent() && !probe.fsType().get().equals(v.fsType())) {
            throw new FailedPreconditionException("volume " + v.volumeId() + " (" + device + ") carries " + probe.fsType().get()
                    + ", but " + v.fsType() + " was requested; not reformatting");
        }
        if (probe.blank()) {
            if (v.readOnly()) {
                throw new FailedPreconditionException("volume " + v.volumeId() + " has no file system and is staged read-only");
            }
            LOG.info("formatting {} ({}) as {}", v.volumeId(), device, v.fsType());
            mounter.format(device, v.fsType());
        }
        mkdirs(v.stagingPath());
        List<String> options = new ArrayList<>(v.mountFlags());
        if (v.readOnly() && !options.contains("ro")) {
            options.add("ro");
        }
        if (stale && v.fsType().equals("xfs")) {
            // Pods may still hold the dead mount of the same file system; XFS refuses a second UUID without this.
            options.add("nouuid");
        }
        mounter.mount(device, v.stagingPath(), v.fsType(), options);
        undo.add(() -> mounter.unmount(v.stagingPath()));
    }

    private void stageBlock(StagedVolume v, List<Runnable> undo) {
        Path file = v.stagedMount();
        Path device = devicePath(v.device());
        Optional<MountPoint> mounted = mounter.mountAt(file);
        if (mounted.isPresent()) {
            if (mounted.get().root().equals("/" + v.device())) {
                return;
            }
            // The device was renamed under a stale bind (the supervisor reports this); replace the dead bind.
            mounter.unmount(file);
        }
        mkdirs(v.stagingPath());
        touch(file);
        mounter.bindMount(device, file, false);
        undo.add(() -> mounter.unmount(file));
    }

    private boolean staleNvmeMount(MountPoint m) {
        String prefix = sysfs.path("/dev/").toString();
        String source = m.source();
        if (!source.startsWith(prefix)) {
            return false;
        }
        String name = source.substring(prefix.length()).replaceFirst("^/", "");
        return name.matches("nvme\\d+n\\d+") && !sysfs.exists("/sys/class/block/" + name);
    }

    /** Callers hold the volume's lock. Idempotent: whatever is left of an earlier attempt is cleaned up. */
    public void unstage(VolumeId id, Path stagingPath) {
        Optional<StagedVolume> record = store.get(id);
        if (mounter.mountAt(stagingPath).isPresent()) {
            // A file system volume: <staging>/<volume-id> would be a file of the user's, never ours to delete.
            while (mounter.mountAt(stagingPath).isPresent()) {
                mounter.unmount(stagingPath);
            }
        } else if (record.map(StagedVolume::block).orElse(true)) {
            Path blockFile = stagingPath.resolve(id.value());
            while (mounter.mountAt(blockFile).isPresent()) {
                mounter.unmount(blockFile);
            }
            try {
                Files.deleteIfExists(blockFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + blockFile + ": " + e.getMessage(), e);
            }
        }
        // Without a record (dropped after a reboot) the NQN follows the controller's naming: prefix + volume id.
        Nqn nqn = record.map(r -> r.target().subsystem()).orElse(new Nqn(NvmeTarget.OWNED_PREFIX + id.value()));
        if (!store.usedByOthers(nqn, id)) {
            connector.disconnect(nqn);
        } else {
            LOG.info("{} stays connected: another staged volume uses it", nqn);
        }
        store.delete(id);
        health.healthy(id.value());
        LOG.info("unstaged {} from {}", id, stagingPath);
    }

    static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    static void touch(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
        }
    }
}
