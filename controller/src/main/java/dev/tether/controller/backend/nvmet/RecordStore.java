package dev.tether.controller.backend.nvmet;

import dev.tether.controller.backend.SnapshotId;
import dev.tether.controller.backend.host.TargetHost;
import dev.tether.driver.model.VolumeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Volume and snapshot records on the target, next to their backing files; the target is the source of truth. */
final class RecordStore {
    private static final Logger LOG = LoggerFactory.getLogger(RecordStore.class);
    static final String SUFFIX = ".properties";

    private final TargetHost target;
    private final NvmetSettings settings;

    RecordStore(TargetHost target, NvmetSettings settings) {
        this.target = target;
        this.settings = settings;
    }

    String volumeFile(VolumeId id) {
        return settings.volumesDir() + "/" + id.value() + ".img";
    }

    String snapshotFile(SnapshotId id) {
        return settings.snapshotsDir() + "/" + id.value() + ".img";
    }

    private String volumeRecord(VolumeId id) {
        return settings.volumesDir() + "/" + id.value() + SUFFIX;
    }

    private String snapshotRecord(SnapshotId id) {
        return settings.snapshotsDir() + "/" + id.value() + SUFFIX;
    }

    Optional<VolumeRecord> volume(VolumeId id) {
        return target.read(volumeRecord(id)).map(VolumeRecord::parse);
    }

    void save(VolumeRecord record) {
        target.writeFile(volumeRecord(record.id()), record.toText());
    }

    void removeVolume(VolumeId id) {
        target.remove(volumeRecord(id));
    }

    List<VolumeRecord> volumes() {
        List<VolumeRecord> records = new ArrayList<>();
        target.readFiles(settings.volumesDir(), SUFFIX).forEach((file, text) -> {
            try {
                records.add(VolumeRecord.parse(text));
            } catch (RuntimeException e) {
                LOG.warn("skipping unreadable volume record {}/{}: {}", settings.volumesDir(), file, e.getMessage());
            }
        });
        return records;
    }

    Optional<SnapshotRecord> snapshot(SnapshotId id) {
        return target.read(snapshotRecord(id)).map(SnapshotRecord::parse);
    }

    void save(SnapshotRecord record) {
        target.writeFile(snapshotRecord(record.id()), record.toText());
    }

    void removeSnapshot(SnapshotId id) {
        target.remove(snapshotRecord(id));
    }

    List<SnapshotRecord> snapshots() {
        List<SnapshotRecord> records = new ArrayList<>();
        target.readFiles(settings.snapshotsDir(), SUFFIX).forEach((file, text) -> {
            try {
                records.add(SnapshotRecord.parse(text));
            } catch (RuntimeException e) {
                LOG.warn("skipping unreadable snapshot record {}/{}: {}", settings.snapshotsDir(), file, e.getMessage());
            }
        });
        return records;
    }

    /** Names of the backing files ({@code *.img}) in a directory. */
    List<String> imageFiles(String dir) {
        return target.list(dir).stream().filter(n -> n.endsWith(".img")).toList();
    }
}
