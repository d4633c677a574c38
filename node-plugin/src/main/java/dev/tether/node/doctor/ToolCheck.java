package dev.tether.node.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.CommandRunner;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/** A program NodeStage needs (mount, blkid, mkfs.*) runs and reports its version. */
record ToolCheck(CommandRunner commands, List<String> versionArgv, String packageName) implements DoctorCheck {

    @Override
    public String name() {
        return versionArgv.getFirst();
    }

    @Override
    public CheckResult run() {
        String install = "install " + packageName + " (the Tether node image already carries it)";
        CommandResult result;
        try {
            result = commands.run(versionArgv, Duration.ofSeconds(10));
        } catch (UncheckedIOException e) {
            return CheckResult.fail(name(), "not found", install);
        }
        if (!result.ok()) {
            return CheckResult.fail(name(), result.summary(), install);
        }
        String firstLine = (result.stdout() + "\n" + result.stderr()).strip().lines().findFirst().orElse("");
        return CheckResult.ok(name(), firstLine);
    }
}
