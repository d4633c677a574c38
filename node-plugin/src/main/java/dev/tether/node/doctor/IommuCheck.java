package dev.tether.node.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import dev.tether.driver.sys.Sysfs;

/** VFIO hands devices to VMs by IOMMU group: without groups there is nothing to bind. */
record IommuCheck(Sysfs sysfs) implements DoctorCheck {

    @Override
    public String name() {
        return "IOMMU";
    }

    @Override
    public CheckResult run() {
        int groups = sysfs.list("/sys/kernel/iommu_groups").size();
        if (groups > 0) {
            return CheckResult.ok(name(), groups + " IOMMU groups");
        }
        return CheckResult.fail(name(), "/sys/kernel/iommu_groups is empty: the IOMMU is off",
                "enable VT-d (Intel) or AMD-Vi (AMD) in the firmware and boot with intel_iommu=on iommu=pt "
                        + "(AMD: amd_iommu=on iommu=pt) on the kernel command line, then reboot");
    }
}
