package dev.tether.node.doctor;

import dev.tether.driver.doctor.DoctorReport;
import dev.tether.driver.sys.ProcessCommandRunner;
import dev.tether.driver.sys.Sysfs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tether-node doctor}: checks this node's prerequisites and prints each as ok/warn/fail with the fix. Reads
 * the same TETHER_* variables as the node plugin, so inside its pod it checks exactly what the plugin will use.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Check this node's prerequisites for Tether (kernel modules, host NQN, nvme-cli, mount tools, "
                + "kubelet dir, IOMMU and vfio-pci for GPU passthrough). Exits 1 when a check fails.")
public final class NodeDoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host-root", paramLabel = "DIR", defaultValue = "${env:TETHER_HOST_ROOT:-/}",
            description = "Where the host's /sys, /dev and /etc are seen (env TETHER_HOST_ROOT; default ${DEFAULT-VALUE}).")
    Path hostRoot;

    @Option(names = "--hostnqn-file", paramLabel = "PATH", defaultValue = "${env:TETHER_HOSTNQN_FILE:-/etc/nvme/hostnqn}",
            description = "Host NQN file (env TETHER_HOSTNQN_FILE; default ${DEFAULT-VALUE}).")
    String hostNqnFile;

    @Option(names = "--hostid-file", paramLabel = "PATH", defaultValue = "${env:TETHER_HOSTID_FILE:-/etc/nvme/hostid}",
            description = "Host ID file (env TETHER_HOSTID_FILE; default ${DEFAULT-VALUE}).")
    String hostIdFile;

    @Option(names = "--kubelet-dir", paramLabel = "DIR", defaultValue = "${env:TETHER_KUBELET_DIR:-/var/lib/kubelet}",
            description = "The kubelet's root dir (env TETHER_KUBELET_DIR; default ${DEFAULT-VALUE}).")
    String kubeletDir;

    @Option(names = "--gpu-vendors", paramLabel = "IDS", defaultValue = "${env:TETHER_GPU_VENDORS:-}",
            description = "PCI vendor ids of GPUs Tether manages; empty means GPU passthrough is off and its checks "
                    + "are skipped (env TETHER_GPU_VENDORS; default ${DEFAULT-VALUE}).")
    String gpuVendors;

    @Override
    public Integer call() {
        NodeDoctor.Settings settings = new NodeDoctor.Settings(hostNqnFile, hostIdFile, kubeletDir,
                gpuVendors != null && !gpuVendors.isBlank());
        DoctorReport report = DoctorReport.run(NodeDoctor.checks(new Sysfs(hostRoot), new ProcessCommandRunner(), settings));
        PrintWriter out = spec.commandLine().getOut();
        report.print("tether-node doctor (host root " + hostRoot + ")", out);
        return report.exitCode();
    }
}
