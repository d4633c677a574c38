package dev.tether.controller.backend;

import java.util.regex.Pattern;

/** A snapshot id as Tether issues it; like a volume id it becomes a file name, so the same restricted alphabet. */
public record SnapshotId(String value) {
    private static final Pattern FORMAT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    public SnapshotId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a Tether snapshot id ([a-z0-9][a-z0-9._-]{0,99})");
        }
    }

    public static boolean isValid(String value) {
        return value != null && FORMAT.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
