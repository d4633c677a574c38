package dev.tether.node.gpu.cli;

import dev.tether.driver.error.NotFoundException;
import dev.tether.node.gpu.KernelWriter;
import dev.tether.node.gpu.Operation;
import dev.tether.node.gpu.Outcome;
import dev.tether.node.gpu.PciAddress;
import dev.tether.node.gpu.Plan;
import dev.tether.node.gpu.SysfsWrite;
import dev.tether.node.gpu.VfioBinder;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gpu bind} and {@code gpu unbind}: exit 0 when verified, 1 when it failed, 3 when preflight refused. */
abstract class GpuTransitionCommand implements Callable<Integer> {
    static final int FAILED = 1;
    static final int REFUSED = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    GpuCliOptions options;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "PCI address, e.g. 0000:01:00.0 (as in lspci -D).")
    String address;

    @Option(names = "--dry-run", description = "Print the checks and the exact sysfs writes, change nothing.")
    boolean dryRun;

    @Option(names = "--stall-after-writes", paramLabel = "N", hidden = true, defaultValue = "-1",
            description = "Lab only: stop for good after N sysfs writes, so a test can kill the process mid-transition.")
    int stallAfterWrites;

    abstract Operation operation();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PciAddress target;
        try {
            target = PciAddress.of(address);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "ADDRESS: " + e.getMessage());
        }
        VfioBinder binder = options.binder(writer());
        Plan plan;
        try {
            plan = binder.plan(operation(), target);
        } catch (NotFoundException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return FAILED;
        }
        plan.checks().forEach(c -> out.println("check: " + c));
        plan.writes().forEach(w -> out.println((dryRun ? "would " : "plan: ") + w));
        if (plan.refused()) {
            out.println("refused: " + plan.refusal().get());
        }
        if (dryRun) {
            out.println("dry run: nothing changed");
            out.flush();
            return plan.refused() ? REFUSED : 0;
        }
        out.flush();
        Outcome outcome = binder.execute(plan);
        out.println(outcome.result().label() + ": " + operation().label() + " " + target + " (IOMMU group "
                + outcome.group() + "): " + outcome.message());
        out.flush();
        return switch (outcome.result()) {
            case SUCCESS, REPAIRED, NOOP -> 0;
            case REFUSED -> REFUSED;
            case FAILED, UNRESOLVED -> FAILED;
        };
    }

    private KernelWriter writer() {
        KernelWriter real = options.host.sysfsWriter();
        if (stallAfterWrites < 0) {
            return real;
        }
        AtomicInteger left = new AtomicInteger(stallAfterWrites);
        PrintWriter out = spec.commandLine().getOut();
        return (path, value, timeout) -> {
            if (left.getAndDecrement() <= 0) {
                out.println("stalled before " + new SysfsWrite(path, value) + " (--stall-after-writes)");
                out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            real.write(path, value, timeout);
        };
    }
}
