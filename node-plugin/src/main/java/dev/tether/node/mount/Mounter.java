package dev.tether.node.mount;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Mounts, file systems and their probes. Every implementation works on argv lists with timeouts and reads the mount
 * table from /proc/self/mountinfo, so the node never guesses from directory contents whether something is mounted.
 */
public interface Mounter {
    List<MountPoint> mounts();

    default Optional<MountPoint> mountAt(Path target) {
        Path wanted = target.toAbsolutePath().normalize();
        // The last match wins: a later mount on the same path hides earlier ones.
        MountPoint found = null;
        for (MountPoint m : mounts()) {
            if (m.target().equals(wanted)) {
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Mounts a device's file system; verified in the mount table afterwards. */
    void mount(Path device, Path target, String fsType, List<String> options);

    /** Bind-mounts a directory or file; with {@code readOnly} the bind mount itself is read-only (the source stays rw). */
    void bindMount(Path source, Path target, boolean readOnly);

    void unmount(Path target);

    FsProbe probe(Path device);

    /** Creates a file system; callers must have checked {@link #probe} says the device is blank. */
    void format(Path device, String fsType);

    /** Grows a mounted file system to fill its device. */
    void grow(Path device, Path mountPoint, String fsType);

    FsUsage usage(Path mountPoint);
}
