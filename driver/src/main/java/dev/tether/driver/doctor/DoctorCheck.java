package dev.tether.driver.doctor;

/** One prerequisite a Tether process needs from its host or its backend. */
public interface DoctorCheck {

    /** Short, stable name shown in the report ("kernel module nvme_tcp"). */
    String name();

    /** Looks, never changes anything. May throw: the report turns an exception into a FAIL naming it. */
    CheckResult run();

    /** A check that is not relevant with this configuration. */
    static DoctorCheck skipped(String name, String why) {
        return new DoctorCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CheckResult run() {
                return CheckResult.skip(name, why);
            }
        };
    }
}
