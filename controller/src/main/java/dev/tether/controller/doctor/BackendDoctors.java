package dev.tether.controller.doctor;

import dev.tether.controller.backend.BackendKind;
import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import dev.tether.driver.sys.Sysfs;
import java.time.Duration;
import java.util.List;

/** Picks the doctor for the configured backend. */
public final class BackendDoctors {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private BackendDoctors() {
    }

    public static BackendDoctor forBackend(BackendKind kind, NvmetSettings nvmet, Sysfs sysfs) {
        return switch (kind) {
            case fake -> () -> List.of(fake());
            case nvmet -> switch (nvmet.mode()) {
                case local -> () -> List.of(
                        new ConfigfsCheck(sysfs, nvmet.configfsDir()),
                        new TargetModuleCheck(sysfs),
                        new BackingDirCheck(sysfs, nvmet.backingDir(), nvmet.minFreeBytes()));
                case ssh -> () -> List.of(
                        new SshKeyCheck(nvmet.sshKeyFile()),
                        new KnownHostsCheck(nvmet.knownHostsFile(), nvmet.sshHost(), nvmet.sshPort()),
                        new SshReachableCheck(nvmet.sshHost(), nvmet.sshPort(), CONNECT_TIMEOUT));
            };
        };
    }

    private static DoctorCheck fake() {
        return new DoctorCheck() {
            @Override
            public String name() {
                return "backend";
            }

            @Override
            public CheckResult run() {
                return CheckResult.warn(name(), "fake: volumes live in this process's memory and nodes cannot connect",
                        "for real storage set --backend nvmet (chart: backend.kind=nvmet)");
            }
        };
    }
}
