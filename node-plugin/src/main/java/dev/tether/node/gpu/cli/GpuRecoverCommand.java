package dev.tether.node.gpu.cli;

import dev.tether.node.gpu.Outcome;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "recover", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "What the node plugin does at start: finish or roll back transitions a crash left unfinished "
                + "(from the journals in the state dir). Touches nothing else. Exit 1 if one could not be resolved.")
final class GpuRecoverCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    GpuCliOptions options;

    @Override
    public Integer call() {
        List<Outcome> outcomes = options.binder(options.host.sysfsWriter()).recover();
        var out = spec.commandLine().getOut();
        if (outcomes.isEmpty()) {
            out.println("no unfinished transitions in " + options.journal().dir());
        }
        outcomes.forEach(o -> out.println(o.result().label() + ": group " + o.group() + " (" + o.head() + "): " + o.message()));
        out.flush();
        return outcomes.stream().allMatch(Outcome::ok) ? 0 : GpuTransitionCommand.FAILED;
    }
}
