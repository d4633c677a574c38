package dev.tether.controller.backend.nvmet;

import dev.tether.controller.backend.SnapshotId;
import dev.tether.driver.model.VolumeId;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** A snapshot in {@code <backing-dir>/snapshots/<id>.properties}; READY only once its copy is complete. */
record SnapshotRecord(SnapshotId id, String name, VolumeId source, long sizeBytes, boolean ready, Instant createdAt) {

    SnapshotRecord asReady() {
        return new SnapshotRecord(id, name, source, sizeBytes, true, createdAt);
    }

    String toText() {
        Map<String, String> map = new TreeMap<>();
        map.put("id", id.value());
        map.put("name", name);
        map.put("source", source.value());
        map.put("sizeBytes", Long.toString(sizeBytes));
        map.put("ready", Boolean.toString(ready));
        map.put("createdAt", createdAt.toString());
        return PropertiesText.write(map);
    }

    static SnapshotRecord parse(String text) {
        Map<String, String> map = PropertiesText.read(text);
        return new SnapshotRecord(new SnapshotId(VolumeRecord.required(map, "id")), VolumeRecord.required(map, "name"),
                new VolumeId(VolumeRecord.required(map, "source")), Long.parseLong(VolumeRecord.required(map, "sizeBytes")),
                Boolean.parseBoolean(VolumeRecord.required(map, "ready")), Instant.parse(VolumeRecord.required(map, "createdAt")));
    }
}
