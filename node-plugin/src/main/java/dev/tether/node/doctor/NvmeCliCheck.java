package dev.tether.node.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.CommandRunner;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** nvme-cli connects and lists controllers; 2.x is what Tether is tested with (Debian 12 ships 2.3). */
record NvmeCliCheck(CommandRunner commands) implements DoctorCheck {
    private static final Pattern VERSION = Pattern.compile("nvme version (\\d+)\\.(\\d+)(\\S*)");
    private static final String INSTALL = "install nvme-cli (apt-get install nvme-cli, dnf install nvme-cli); "
            + "the Tether node image already carries it";

    @Override
    public String name() {
        return "nvme-cli";
    }

    @Override
    public CheckResult run() {
        CommandResult result;
        try {
            result = commands.run(List.of("nvme", "version"), Duration.ofSeconds(10));
        } catch (UncheckedIOException e) {
            return CheckResult.fail(name(), "nvme not found", INSTALL);
        }
        Matcher m = VERSION.matcher(result.stdout());
        if (!result.ok() || !m.find()) {
            return CheckResult.fail(name(), "`nvme version` did not report a version: " + result.summary(), INSTALL);
        }
        String version = m.group(1) + "." + m.group(2) + m.group(3);
        if (Integer.parseInt(m.group(1)) < 2) {
            return CheckResult.warn(name(), "nvme-cli " + version + " is older than 2.0",
                    "upgrade to nvme-cli 2.x: 1.x handles host NQN/ID files and EALREADY differently");
        }
        return CheckResult.ok(name(), "nvme-cli " + version);
    }
}
