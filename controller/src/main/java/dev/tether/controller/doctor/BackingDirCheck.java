package dev.tether.controller.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import dev.tether.driver.sys.Sysfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Volume files live in the backing dir: it must exist, take a write, and have room. */
record BackingDirCheck(Sysfs sysfs, String backingDir, long minFreeBytes) implements DoctorCheck {
    private static final long GIB = 1L << 30;

    @Override
    public String name() {
        return "backing dir";
    }

    @Override
    public CheckResult run() {
        Path dir = sysfs.path(backingDir);
        if (!Files.isDirectory(dir)) {
            return CheckResult.fail(name(), backingDir + " does not exist",
                    "on the storage node: mkdir -p " + backingDir + " on a file system with room for the volumes");
        }
        try {
            Path probe = Files.createTempFile(dir, ".tether-doctor-", ".probe");
            Files.delete(probe);
        } catch (IOException e) {
            return CheckResult.fail(name(), backingDir + " is not writable: " + e.getMessage(),
                    "make it writable by the user the controller runs as (root in local mode)");
        }
        long free;
        try {
            free = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return CheckResult.fail(name(), "cannot read free space of " + backingDir + ": " + e.getMessage(),
                    "check that " + backingDir + " is on a mounted, healthy file system");
        }
        String detail = backingDir + ", " + gib(free) + " free";
        if (free < minFreeBytes) {
            return CheckResult.warn(name(), detail + " (less than " + gib(minFreeBytes) + ")",
                    "free space or grow the file system: thin volume files fail writes when it fills up");
        }
        return CheckResult.ok(name(), detail);
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", (double) bytes / GIB);
    }
}
