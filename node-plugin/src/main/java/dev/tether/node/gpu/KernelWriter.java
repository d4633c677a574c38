package dev.tether.node.gpu;

import java.time.Duration;

/**
 * Writes one sysfs attribute with a timeout. Production passes {@code Sysfs::write}; tests pass a model of the
 * kernel's PCI rules, and the dry run a recorder.
 */
@FunctionalInterface
public interface KernelWriter {
    void write(String kernelPath, String value, Duration timeout);
}
