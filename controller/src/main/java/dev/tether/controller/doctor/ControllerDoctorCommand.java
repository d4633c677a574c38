package dev.tether.controller.doctor;

import dev.tether.controller.backend.BackendKind;
import dev.tether.controller.backend.BackendOptions;
import dev.tether.driver.doctor.DoctorReport;
import dev.tether.driver.sys.Sysfs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tether-controller doctor}: checks that the controller can drive its backend (configfs, backing dir and free
 * space for local nvmet; key, pinned host key and reachability for nvmet over SSH). Reads the same TETHER_*
 * variables as the controller, so inside its pod it checks what the controller will use.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Check the storage backend the controller is configured for. Exits 1 when a check fails.")
public final class ControllerDoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    // The controller's own backend flags and variables: inside the pod the doctor checks exactly what it will use.
    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--min-free-gib", paramLabel = "GIB", defaultValue = "${env:TETHER_MIN_FREE_GIB:-10}",
            description = "Warn when the backing dir has less free space (env TETHER_MIN_FREE_GIB; default ${DEFAULT-VALUE}).")
    long minFreeGib;

    @Option(names = "--host-root", paramLabel = "DIR", defaultValue = "${env:TETHER_HOST_ROOT:-/}",
            description = "Where this host's /sys and backing dir are seen, for local mode (env TETHER_HOST_ROOT; default ${DEFAULT-VALUE}).")
    Path hostRoot;

    @Override
    public Integer call() {
        NvmetSettings nvmet = NvmetSettings.from(backendOptions, minFreeGib << 30);
        BackendKind backend = backendOptions.kind;
        DoctorReport report = DoctorReport.run(BackendDoctors.forBackend(backend, nvmet, new Sysfs(hostRoot)).checks());
        PrintWriter out = spec.commandLine().getOut();
        report.print("tether-controller doctor (backend " + backend + (backend == BackendKind.nvmet ? ", " + nvmet.mode() : "") + ")",
                out);
        return report.exitCode();
    }
}
