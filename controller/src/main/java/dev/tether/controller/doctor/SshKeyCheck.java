package dev.tether.controller.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The private key the controller logs in with is mounted and readable. */
record SshKeyCheck(Path keyFile) implements DoctorCheck {
    private static final String FIX = "create the Secret with key ssh-privatekey (chart: backend.nvmet.ssh.secret) "
            + "and make sure the controller pod mounts it";

    @Override
    public String name() {
        return "SSH key";
    }

    @Override
    public CheckResult run() {
        if (!Files.isRegularFile(keyFile)) {
            return CheckResult.fail(name(), keyFile + " does not exist", FIX);
        }
        String head;
        try {
            head = Files.readString(keyFile).strip();
        } catch (IOException e) {
            return CheckResult.fail(name(), keyFile + " is not readable: " + e.getMessage(),
                    "mount it readable by the controller's user (the chart uses fsGroup 65532 and mode 0440)");
        }
        if (!head.startsWith("-----BEGIN ") || !head.contains("PRIVATE KEY-----")) {
            return CheckResult.fail(name(), keyFile + " does not hold a PEM/OpenSSH private key", FIX);
        }
        return CheckResult.ok(name(), keyFile.toString());
    }
}
