package dev.tether.node.mount;

import java.nio.file.Path;
import java.util.List;

/**
 * One line of /proc/self/mountinfo. {@code device} is major:minor, {@code root} the path inside the file system that
 * is mounted here (a bind mount of a subdirectory or file shows it), {@code options} the per-mount options (ro/rw...),
 * {@code superOptions} the file system's own (shared by every mount of it).
 */
public record MountPoint(Path target, String device, String root, String fsType, String source, List<String> options,
        List<String> superOptions) {
    public boolean readOnly() {
        return options.contains("ro");
    }

    /** The file system itself is read-only, e.g. ext4 after it aborted its journal on a write error. */
    public boolean fileSystemReadOnly() {
        return superOptions.contains("ro");
    }
}
