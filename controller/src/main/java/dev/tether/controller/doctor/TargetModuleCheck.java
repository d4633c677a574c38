package dev.tether.controller.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import dev.tether.driver.sys.Sysfs;

/** nvmet-tcp provides the TCP transport of the target; without it enabling a port fails. */
record TargetModuleCheck(Sysfs sysfs) implements DoctorCheck {

    @Override
    public String name() {
        return "kernel module nvmet_tcp";
    }

    @Override
    public CheckResult run() {
        if (sysfs.exists("/sys/module/nvmet_tcp")) {
            return CheckResult.ok(name(), "loaded");
        }
        return CheckResult.fail(name(), "not loaded: target ports cannot listen on TCP",
                "on the storage node: modprobe nvmet-tcp && echo nvmet-tcp > /etc/modules-load.d/tether-nvmet.conf");
    }
}
