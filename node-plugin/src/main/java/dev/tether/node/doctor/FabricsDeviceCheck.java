package dev.tether.node.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import dev.tether.driver.sys.Sysfs;

/** {@code /dev/nvme-fabrics} is where connections are made (nvme-cli writes its option string there too). */
record FabricsDeviceCheck(Sysfs sysfs) implements DoctorCheck {

    @Override
    public String name() {
        return "/dev/nvme-fabrics";
    }

    @Override
    public CheckResult run() {
        if (sysfs.exists("/dev/nvme-fabrics")) {
            return CheckResult.ok(name(), "present");
        }
        if (!sysfs.exists("/sys/module/nvme_fabrics")) {
            return CheckResult.warn(name(), "absent until nvme_fabrics is loaded", "modprobe nvme-fabrics (see above)");
        }
        return CheckResult.fail(name(), "nvme_fabrics is loaded but the device node is missing",
                "the node plugin needs the host's /dev mounted (the chart does this); outside a pod: "
                        + "mknod /dev/nvme-fabrics c $(cut -d: -f1 /sys/class/misc/nvme-fabrics/dev) "
                        + "$(cut -d: -f2 /sys/class/misc/nvme-fabrics/dev)");
    }
}
