package dev.tether.node.gpu.cli;

import dev.tether.node.gpu.DeclaredModes;
import dev.tether.node.gpu.StatusTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "A table of the managed devices as sysfs and /proc show them now: address, vendor:device, "
                + "IOMMU group and its members, driver, driver_override, power state, reset methods, declared mode "
                + "and the processes holding the device.")
final class GpuStatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    GpuCliOptions options;

    @Option(names = "--gpu-default-mode", paramLabel = "MODE", defaultValue = "${env:TETHER_GPU_DEFAULT_MODE:-none}",
            description = "Declared mode to show when the node has no label: none, host or vfio "
                    + "(env TETHER_GPU_DEFAULT_MODE; default ${DEFAULT-VALUE}).")
    String defaultMode;

    @Override
    public Integer call() {
        var mode = DeclaredModes.parseMode(defaultMode, "--gpu-default-mode");
        var rows = StatusTable.rows(options.host.inventory(), options.policy(), options.scanner(),
                options.journal(), address -> mode.label());
        spec.commandLine().getOut().print(StatusTable.format(rows));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
