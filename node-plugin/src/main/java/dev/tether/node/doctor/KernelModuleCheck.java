package dev.tether.node.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.CommandRunner;
import dev.tether.driver.sys.Sysfs;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * A kernel module is loaded ({@code /sys/module/NAME} exists, also for built-in modules with parameters) or at least
 * loadable ({@code modprobe --dry-run} finds it for the running kernel).
 */
record KernelModuleCheck(Sysfs sysfs, CommandRunner commands, String module, String neededFor) implements DoctorCheck {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "kernel module " + module;
    }

    @Override
    public CheckResult run() {
        if (sysfs.exists("/sys/module/" + module)) {
            return CheckResult.ok(name(), "loaded");
        }
        String loadName = module.replace('_', '-');
        String persist = "modprobe " + loadName + " && echo " + loadName + " > /etc/modules-load.d/tether-" + loadName + ".conf";
        CommandResult dryRun;
        try {
            dryRun = commands.run(List.of("modprobe", "--dry-run", loadName), TIMEOUT);
        } catch (UncheckedIOException e) {
            return CheckResult.fail(name(), "not loaded, and modprobe is missing so it cannot be checked",
                    "on the node: " + persist);
        }
        if (dryRun.ok()) {
            return CheckResult.warn(name(), "not loaded (loadable); " + neededFor + " needs it", "on the node: " + persist);
        }
        return CheckResult.fail(name(), "not loaded and not found for this kernel: " + dryRun.summary(),
                "install the kernel's extra modules (Ubuntu: linux-modules-extra-$(uname -r); Debian ships it), then "
                        + persist);
    }
}
