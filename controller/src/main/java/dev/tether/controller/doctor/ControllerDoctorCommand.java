package dev.tether.controller.doctor;

import dev.tether.controller.backend.BackendKind;
import dev.tether.driver.doctor.DoctorReport;
import dev.tether.driver.sys.Sysfs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    // The doctor declares the backend flags it reads itself (same names and variables as the controller's), so
    // options added to BackendOptions can never clash with them.
    @Option(names = "--backend", paramLabel = "KIND", defaultValue = "${env:TETHER_BACKEND:-nvmet}",
            description = "Storage backend: ${COMPLETION-CANDIDATES} (env TETHER_BACKEND; default ${DEFAULT-VALUE}).")
    BackendKind backend;

    @Option(names = "--nvmet-mode", paramLabel = "MODE", defaultValue = "${env:TETHER_NVMET_MODE:-ssh}",
            description = "nvmet on this host (local) or on a storage node over SSH: ${COMPLETION-CANDIDATES} "
                    + "(env TETHER_NVMET_MODE; default ${DEFAULT-VALUE}).")
    NvmetSettings.Mode mode;

    @Option(names = "--nvmet-configfs-dir", paramLabel = "DIR",
            defaultValue = "${env:TETHER_NVMET_CONFIGFS_DIR:-/sys/kernel/config/nvmet}",
            description = "nvmet configfs root (env TETHER_NVMET_CONFIGFS_DIR; default ${DEFAULT-VALUE}).")
    String configfsDir;

    @Option(names = "--nvmet-backing-dir", paramLabel = "DIR",
            defaultValue = "${env:TETHER_NVMET_BACKING_DIR:-/var/lib/tether/volumes}",
            description = "Directory holding the volume files (env TETHER_NVMET_BACKING_DIR; default ${DEFAULT-VALUE}).")
    String backingDir;

    @Option(names = "--min-free-gib", paramLabel = "GIB", defaultValue = "${env:TETHER_MIN_FREE_GIB:-10}",
            description = "Warn when the backing dir has less free space (env TETHER_MIN_FREE_GIB; default ${DEFAULT-VALUE}).")
    long minFreeGib;

    @Option(names = "--ssh-host", paramLabel = "HOST", defaultValue = "${env:TETHER_SSH_HOST:-}",
            description = "Storage node (env TETHER_SSH_HOST; default ${DEFAULT-VALUE}).")
    String sshHost;

    @Option(names = "--ssh-port", paramLabel = "PORT", defaultValue = "${env:TETHER_SSH_PORT:-22}",
            description = "Storage node's SSH port (env TETHER_SSH_PORT; default ${DEFAULT-VALUE}).")
    int sshPort;

    @Option(names = "--ssh-key-file", paramLabel = "PATH",
            defaultValue = "${env:TETHER_SSH_KEY_FILE:-/etc/tether/ssh/ssh-privatekey}",
            description = "Private key (env TETHER_SSH_KEY_FILE; default ${DEFAULT-VALUE}).")
    Path sshKeyFile;

    @Option(names = "--ssh-known-hosts", paramLabel = "PATH",
            defaultValue = "${env:TETHER_SSH_KNOWN_HOSTS:-/etc/tether/known-hosts/known_hosts}",
            description = "known_hosts pinning the storage node's host key (env TETHER_SSH_KNOWN_HOSTS; default ${DEFAULT-VALUE}).")
    Path knownHosts;

    @Option(names = "--host-root", paramLabel = "DIR", defaultValue = "${env:TETHER_HOST_ROOT:-/}",
            description = "Where this host's /sys and backing dir are seen, for local mode (env TETHER_HOST_ROOT; default ${DEFAULT-VALUE}).")
    Path hostRoot;

    @Override
    public Integer call() {
        NvmetSettings nvmet = new NvmetSettings(mode, configfsDir, backingDir, minFreeGib << 30, sshHost, sshPort, sshKeyFile,
                knownHosts);
        DoctorReport report = DoctorReport.run(BackendDoctors.forBackend(backend, nvmet, new Sysfs(hostRoot)).checks());
        PrintWriter out = spec.commandLine().getOut();
        report.print("tether-controller doctor (backend " + backend + (backend == BackendKind.nvmet ? ", " + mode : "") + ")",
                out);
        return report.exitCode();
    }
}
