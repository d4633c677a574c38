package dev.tether.node.gpu.cli;

import dev.tether.node.gpu.DevicePolicy;
import dev.tether.node.gpu.GpuHostOptions;
import dev.tether.node.gpu.KernelWriter;
import dev.tether.node.gpu.VfioBinder;
import dev.tether.node.gpu.InUseScanner;
import dev.tether.node.gpu.Journal;
import dev.tether.driver.sys.Sysfs;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What every {@code gpu} subcommand needs: the host roots, the state dir with the journals, which devices. */
public final class GpuCliOptions {

    @Mixin
    public GpuHostOptions host;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:TETHER_STATE_DIR:-/var/lib/tether}",
            description = "The node plugin's state dir; GPU journals live in its gpu/ (env TETHER_STATE_DIR; default ${DEFAULT-VALUE}).")
    public Path stateDir;

    @Option(names = "--any-class",
            description = "Manage any PCI endpoint, not only display-class devices of --gpu-vendors (the lab uses "
                    + "this on emulated NICs and edu devices).")
    public boolean anyClass;

    @Option(names = "--gpu-vendors", paramLabel = "IDS", defaultValue = "${env:TETHER_GPU_VENDORS:-10de,1002,8086}",
            description = "PCI vendor ids whose display-class devices (0x0300, 0x0302) count as GPUs "
                    + "(env TETHER_GPU_VENDORS; default ${DEFAULT-VALUE}).")
    public String gpuVendors;

    public DevicePolicy policy() {
        return DevicePolicy.parse(gpuVendors, anyClass);
    }

    public VfioBinder binder(KernelWriter writer) {
        return host.binder(stateDir, policy(), writer);
    }

    public Journal journal() {
        return new Journal(stateDir);
    }

    public InUseScanner scanner() {
        return new InUseScanner(new Sysfs(host.procRoot));
    }
}
