package dev.tether.controller.backend;

import dev.tether.driver.model.VolumeId;
import java.time.Instant;

/** A point-in-time copy of a volume. */
public record BackendSnapshot(SnapshotId id, String name, VolumeId source, long sizeBytes, Instant createdAt) {
}
