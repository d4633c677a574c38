package dev.tether.node.volume;

import csi.v1.Csi;
import dev.tether.driver.error.NotFoundException;
import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.model.VolumeId;
import dev.tether.driver.sys.Sysfs;
import dev.tether.node.mount.FsUsage;
import dev.tether.node.mount.Mounter;
import dev.tether.node.nvme.NvmeConnector;
import dev.tether.node.nvme.NvmeController;
import dev.tether.node.nvme.NvmeSysfs;
import dev.tether.node.sys.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** NodeGetVolumeStats and NodeExpandVolume: sizes from statfs and sysfs, health from the supervisor. */
public final class VolumeInspector {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeInspector.class);

    private final StagedVolumeStore store;
    private final NvmeSysfs nvme;
    private final NvmeConnector connector;
    private final Mounter mounter;
    private final VolumeHealth health;
    private final Ticker ticker;
    private final Duration resizeWait;

    public VolumeInspector(StagedVolumeStore store, NvmeSysfs nvme, NvmeConnector connector, Mounter mounter,
            VolumeHealth health, Ticker ticker, Duration resizeWait) {
        this.store = store;
        this.nvme = nvme;
        this.connector = connector;
        this.mounter = mounter;
        this.health = health;
        this.ticker = ticker;
        this.resizeWait = resizeWait;
    }

    public Csi.NodeGetVolumeStatsResponse stats(VolumeId id, Path volumePath) {
        StagedVolume v = staged(id, volumePath);
        Csi.VolumeCondition condition = health.problem(id.value())
                .map(m -> Csi.VolumeCondition.newBuilder().setAbnormal(true).setMessage(m).build())
                .orElse(Csi.VolumeCondition.newBuilder().setAbnormal(false).setMessage("NVMe/TCP path live").build());
        Csi.NodeGetVolumeStatsResponse.Builder out = Csi.NodeGetVolumeStatsResponse.newBuilder().setVolumeCondition(condition);
        if (health.problem(id.value()).isPresent()) {
            // statfs on a file system whose path is down would block until the path returns or fast_io_fail_tmo.
            return out.build();
        }
        if (v.block()) {
            nvme.sizeBytes(v.device()).ifPresent(size -> out.addUsage(Csi.VolumeUsage.newBuilder()
                    .setUnit(Csi.VolumeUsage.Unit.BYTES).setTotal(size)));
            return out.build();
        }
        FsUsage u = mounter.usage(volumePath);
        out.addUsage(Csi.VolumeUsage.newBuilder().setUnit(Csi.VolumeUsage.Unit.BYTES).setTotal(u.totalBytes())
                .setAvailable(u.availableBytes()).setUsed(u.usedBytes()));
        out.addUsage(Csi.VolumeUsage.newBuilder().setUnit(Csi.VolumeUsage.Unit.INODES).setTotal(u.totalInodes())
                .setAvailable(u.freeInodes()).setUsed(u.totalInodes() - u.freeInodes()));
        return out.build();
    }

    /** Rescans the namespace, waits (bounded) for the new size, grows ext4/xfs online; returns the device size. */
    public long expand(VolumeId id, Path volumePath, long requiredBytes) {
        StagedVolume v = staged(id, volumePath);
        for (NvmeController c : nvme.controllers(v.target().subsystem())) {
            if (c.live()) {
                nvme.sysfs().write(NvmeSysfs.CONTROLLERS_DIR + "/" + c.name() + "/rescan_controller", "1", resizeWait);
            }
        }
        String device = connector.resolveDevice(v.target());
        Instant deadline = ticker.now().plus(resizeWait);
        long size = nvme.sizeBytes(device).orElse(0L);
        while (size < requiredBytes) {
            if (!ticker.now().isBefore(deadline)) {
                throw new UnavailableException("volume " + id + " (" + device + ") is still " + size + " bytes after a rescan, "
                        + requiredBytes + " required; has ControllerExpandVolume finished?");
            }
            ticker.sleep(Duration.ofMillis(500));
            size = nvme.sizeBytes(device).orElse(0L);
        }
        if (!v.block()) {
            mounter.grow(nvme.sysfs().path("/dev/" + device), v.stagingPath(), v.fsType());
            LOG.info("grew {} on {} to {} bytes", v.fsType(), device, size);
        }
        return size;
    }

    private StagedVolume staged(VolumeId id, Path volumePath) {
        StagedVolume v = store.get(id).orElseThrow(() -> new NotFoundException("volume " + id + " is not staged on this node"));
        if (!Files.exists(volumePath)) {
            throw new NotFoundException("volume_path " + volumePath + " does not exist");
        }
        return v;
    }
}
