package dev.tether.driver.doctor;

/** How one doctor check came out. Only FAIL makes {@code doctor} exit non-zero. */
public enum CheckStatus {
    OK("ok"),
    /** Works now but will bite later (a module not loaded yet, little free space). */
    WARN("warn"),
    /** Tether cannot work here until it is fixed. */
    FAIL("fail"),
    /** Not relevant with this configuration (GPU checks when GPU passthrough is off). */
    SKIP("skip");

    private final String label;

    CheckStatus(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
