package dev.tether.node.gpu.runtime;

import dev.tether.driver.cli.DurationConverter;
import dev.tether.node.gpu.GpuHostOptions;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The node plugin's GPU flags. */
public final class GpuServerOptions {

    @Mixin
    public GpuHostOptions host;

    @Option(names = "--gpu-vendors", paramLabel = "IDS", defaultValue = "${env:TETHER_GPU_VENDORS:-}",
            description = "PCI vendor ids (e.g. 10de,1002,8086) whose display-class devices the plugin manages; "
                    + "empty turns GPU management off (env TETHER_GPU_VENDORS; default empty).")
    public String gpuVendors;

    @Option(names = "--gpu-default-mode", paramLabel = "MODE", defaultValue = "${env:TETHER_GPU_DEFAULT_MODE:-none}",
            description = "Mode for GPUs when the Node has no tether.csi.dev/gpu-mode label: vfio, host, or none "
                    + "(leave them alone) (env TETHER_GPU_DEFAULT_MODE; default ${DEFAULT-VALUE}).")
    public String defaultMode;

    @Option(names = "--gpu-resync", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_GPU_RESYNC:-60s}",
            description = "How often GPUs are compared with their declared mode again, e.g. to retry a device that was "
                    + "in use (env TETHER_GPU_RESYNC; default ${DEFAULT-VALUE}).")
    public Duration resync;
}
