package dev.tether.controller.backend;

/** What a new volume's content is copied from: nothing (zeroes), a snapshot, or another volume (a clone). */
public record VolumeSource(Kind kind, String id) {
    public static final VolumeSource NONE = new VolumeSource(Kind.NONE, "");

    public enum Kind { NONE, SNAPSHOT, VOLUME }

    public VolumeSource {
        if ((kind == Kind.NONE) != id.isEmpty()) {
            throw new IllegalArgumentException("a " + kind + " source needs an id exactly when it is not NONE");
        }
    }

    public static VolumeSource snapshot(SnapshotId id) {
        return new VolumeSource(Kind.SNAPSHOT, id.value());
    }

    public static VolumeSource volume(dev.tether.driver.model.VolumeId id) {
        return new VolumeSource(Kind.VOLUME, id.value());
    }

    @Override
    public String toString() {
        return kind == Kind.NONE ? "none" : kind.name().toLowerCase(java.util.Locale.ROOT) + " " + id;
    }
}
