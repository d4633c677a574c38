package dev.tether.controller.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import dev.tether.driver.sys.Sysfs;

/** The nvmet configfs tree exists: subsystems, ports and hosts are created there. */
record ConfigfsCheck(Sysfs sysfs, String configfsDir) implements DoctorCheck {

    @Override
    public String name() {
        return "nvmet configfs";
    }

    @Override
    public CheckResult run() {
        if (!sysfs.exists(configfsDir)) {
            return CheckResult.fail(name(), configfsDir + " does not exist",
                    "on the storage node: modprobe nvmet nvmet-tcp (persist them in /etc/modules-load.d/), and "
                            + "mount -t configfs none /sys/kernel/config if it is not mounted");
        }
        for (String dir : new String[] {"subsystems", "ports", "hosts"}) {
            if (!sysfs.exists(configfsDir + "/" + dir)) {
                return CheckResult.fail(name(), configfsDir + " has no " + dir + "/: is it the nvmet configfs root?",
                        "mount configfs at /sys/kernel/config on the storage node (mount -t configfs none /sys/kernel/config)");
            }
        }
        return CheckResult.ok(name(), configfsDir + " (" + sysfs.list(configfsDir + "/subsystems").size()
                + " subsystems, " + sysfs.list(configfsDir + "/ports").size() + " ports)");
    }
}
