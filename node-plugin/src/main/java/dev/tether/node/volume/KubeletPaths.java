package dev.tether.node.volume;

import dev.tether.driver.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Staging and target paths come from the CO; the node plugin runs privileged, so it only ever mounts or deletes
 * inside the kubelet directory. A path with '..', a relative path or one that leaves the directory through a
 * symlink is refused.
 */
public final class KubeletPaths {
    private final Path kubeletDir;

    public KubeletPaths(Path kubeletDir) {
        this.kubeletDir = kubeletDir.toAbsolutePath().normalize();
    }

    public Path check(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidArgumentException(field + " is missing");
        }
        Path path;
        try {
            path = Path.of(value);
        } catch (RuntimeException e) {
            throw new InvalidArgumentException(field + " '" + value + "' is not a path");
        }
        if (!path.isAbsolute()) {
            throw new InvalidArgumentException(field + " '" + value + "' is not absolute");
        }
        for (Path part : path) {
            if (part.toString().equals("..")) {
                throw new InvalidArgumentException(field + " '" + value + "' contains '..'");
            }
        }
        Path normal = path.normalize();
        if (!normal.startsWith(kubeletDir) || normal.equals(kubeletDir)) {
            throw new InvalidArgumentException(field + " '" + value + "' is outside the kubelet directory " + kubeletDir);
        }
        Path existing = normal;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            if (existing != null && Files.exists(kubeletDir)
                    && !existing.toRealPath().startsWith(kubeletDir.toRealPath())) {
                throw new InvalidArgumentException(field + " '" + value + "' leaves the kubelet directory through a symlink");
            }
        } catch (IOException e) {
            throw new InvalidArgumentException(field + " '" + value + "' cannot be resolved: " + e.getMessage());
        }
        return normal;
    }
}
