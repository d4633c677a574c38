package dev.tether.node.doctor;

import dev.tether.driver.doctor.DoctorCheck;
import dev.tether.driver.sys.CommandRunner;
import dev.tether.driver.sys.Sysfs;
import java.util.ArrayList;
import java.util.List;

/** The node prerequisites, in the order an operator would fix them. */
public final class NodeDoctor {
    private NodeDoctor() {
    }

    /** What the checks need to know about this node's configuration (the node plugin's own flags). */
    public record Settings(String hostNqnFile, String hostIdFile, String kubeletDir, boolean gpuEnabled) {
    }

    public static List<DoctorCheck> checks(Sysfs sysfs, CommandRunner commands, Settings settings) {
        List<DoctorCheck> checks = new ArrayList<>();
        checks.add(new KernelModuleCheck(sysfs, commands, "nvme_fabrics", "connecting volumes"));
        checks.add(new KernelModuleCheck(sysfs, commands, "nvme_tcp", "connecting volumes over TCP"));
        checks.add(new FabricsDeviceCheck(sysfs));
        checks.add(new HostNqnCheck(sysfs, settings.hostNqnFile(), settings.hostIdFile()));
        checks.add(new NvmeCliCheck(commands));
        checks.add(new ToolCheck(commands, List.of("mount", "--version"), "util-linux"));
        checks.add(new ToolCheck(commands, List.of("blkid", "-V"), "util-linux"));
        checks.add(new ToolCheck(commands, List.of("mkfs.ext4", "-V"), "e2fsprogs"));
        checks.add(new ToolCheck(commands, List.of("mkfs.xfs", "-V"), "xfsprogs"));
        checks.add(new KubeletDirCheck(sysfs, settings.kubeletDir()));
        if (settings.gpuEnabled()) {
            checks.add(new KernelModuleCheck(sysfs, commands, "vfio_pci", "GPU passthrough"));
            checks.add(new IommuCheck(sysfs));
        } else {
            String off = "GPU passthrough is off (no --gpu-vendors)";
            checks.add(DoctorCheck.skipped("kernel module vfio_pci", off));
            checks.add(DoctorCheck.skipped("IOMMU", off));
        }
        return checks;
    }
}
