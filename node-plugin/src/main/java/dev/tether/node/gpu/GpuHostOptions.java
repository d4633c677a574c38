package dev.tether.node.gpu;

import dev.tether.driver.cli.DurationConverter;
import dev.tether.driver.sys.Sysfs;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the node plugin sees the host's /sys, /dev and /proc, and how long a sysfs write and its verification may take. */
public final class GpuHostOptions {

    @Option(names = "--sysfs-root", paramLabel = "DIR", defaultValue = "${env:TETHER_SYSFS_ROOT:-/}",
            description = "Directory under which the host's /sys is seen (env TETHER_SYSFS_ROOT; default ${DEFAULT-VALUE}).")
    public Path sysfsRoot;

    @Option(names = "--dev-root", paramLabel = "DIR", defaultValue = "${env:TETHER_DEV_ROOT:-/}",
            description = "Directory under which the host's /dev is seen (env TETHER_DEV_ROOT; default ${DEFAULT-VALUE}).")
    public Path devRoot;

    @Option(names = "--proc-root", paramLabel = "DIR", defaultValue = "${env:TETHER_PROC_ROOT:-/}",
            description = "Directory under which the host's /proc is seen, to find processes holding a device "
                    + "(env TETHER_PROC_ROOT; default ${DEFAULT-VALUE}).")
    public Path procRoot;

    @Option(names = "--gpu-write-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_GPU_WRITE_TIMEOUT:-30s}",
            description = "Longest a single sysfs write (unbind, bind, probe) may block (env TETHER_GPU_WRITE_TIMEOUT; "
                    + "default ${DEFAULT-VALUE}).")
    public Duration writeTimeout;

    @Option(names = "--gpu-settle", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_GPU_SETTLE:-5s}",
            description = "How long verification re-reads sysfs waiting for the kernel before calling a transition "
                    + "failed (env TETHER_GPU_SETTLE; default ${DEFAULT-VALUE}).")
    public Duration settle;

    public PciInventory inventory() {
        return new PciInventory(new Sysfs(sysfsRoot), new Sysfs(devRoot));
    }

    /** A binder for the devices {@code policy} selects, writing through {@code writer}. */
    public VfioBinder binder(Path stateDir, DevicePolicy policy, KernelWriter writer) {
        return new VfioBinder(inventory(), writer, new InUseScanner(new Sysfs(procRoot)), new Journal(stateDir),
                policy, new VfioBinder.Settings(writeTimeout, settle));
    }

    public KernelWriter sysfsWriter() {
        return new Sysfs(sysfsRoot)::write;
    }
}
