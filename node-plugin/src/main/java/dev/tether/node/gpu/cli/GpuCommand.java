package dev.tether.node.gpu.cli;

import dev.tether.driver.cli.CommandLines;
import picocli.CommandLine.Command;

/** {@code tether-node gpu ...}: look at and move GPUs by hand, with the same code the node plugin runs. */
@Command(name = "gpu", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        subcommands = {GpuStatusCommand.class, GpuBindCommand.class, GpuUnbindCommand.class, GpuRecoverCommand.class,
                GpuCycleCommand.class},
        description = "Show and change the VFIO binding of this node's GPUs. Every change is journalled, read back "
                + "from sysfs and rolled back if it cannot be verified.")
public final class GpuCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /**
     * Runs the CLI. It prints every check, write and outcome itself, so slf4j is pointed at its no-op provider:
     * initialising logback costs ~850 classes with its XML config, which in an emulated guest is most of a command's time.
     */
    public static int execute(String... args) {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        return CommandLines.create(new GpuCommand()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
