package dev.tether.node.gpu.cli;

import dev.tether.node.gpu.Operation;
import picocli.CommandLine.Command;

@Command(name = "bind", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Bind a device and the other functions of its slot to vfio-pci (exit 0 verified, 1 failed and "
                + "rolled back, 3 refused by preflight).")
final class GpuBindCommand extends GpuTransitionCommand {
    @Override
    Operation operation() {
        return Operation.BIND;
    }
}
