package dev.tether.node.gpu.cli;

import dev.tether.node.gpu.Operation;
import picocli.CommandLine.Command;

@Command(name = "unbind", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Return a device and the other functions of its slot from vfio-pci to the host driver they had "
                + "before (exit 0 verified, 1 failed and rolled back, 3 refused by preflight, e.g. in use).")
final class GpuUnbindCommand extends GpuTransitionCommand {
    @Override
    Operation operation() {
        return Operation.UNBIND;
    }
}
