package dev.tether.node.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import dev.tether.driver.sys.Sysfs;

/** The kubelet's root dir: publish targets live under it and plugins_registry is where the driver registers. */
record KubeletDirCheck(Sysfs sysfs, String kubeletDir) implements DoctorCheck {
    private static final String FIX = "set node.kubeletDir in the chart to the kubelet's --root-dir "
            + "(k0s: /var/lib/k0s/kubelet, microk8s: /var/snap/microk8s/common/var/lib/kubelet)";

    @Override
    public String name() {
        return "kubelet dir";
    }

    @Override
    public CheckResult run() {
        if (!sysfs.exists(kubeletDir)) {
            return CheckResult.fail(name(), kubeletDir + " does not exist", FIX);
        }
        if (!sysfs.exists(kubeletDir + "/plugins_registry")) {
            return CheckResult.warn(name(), kubeletDir + " has no plugins_registry: is it the kubelet's root dir?", FIX);
        }
        return CheckResult.ok(name(), kubeletDir);
    }
}
