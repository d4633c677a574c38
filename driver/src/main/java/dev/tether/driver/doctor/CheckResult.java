package dev.tether.driver.doctor;

import java.util.Objects;

/**
 * One line of a doctor report: what was checked, how it came out, what was seen, and (unless it is ok) how to fix
 * it, written for the operator at the node's shell.
 */
public record CheckResult(String name, CheckStatus status, String detail, String fix) {

    public CheckResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
        fix = fix == null ? "" : fix;
        if ((status == CheckStatus.WARN || status == CheckStatus.FAIL) && fix.isBlank()) {
            throw new IllegalArgumentException("check '" + name + "' reports " + status + " without a fix");
        }
    }

    public static CheckResult ok(String name, String detail) {
        return new CheckResult(name, CheckStatus.OK, detail, "");
    }

    public static CheckResult warn(String name, String detail, String fix) {
        return new CheckResult(name, CheckStatus.WARN, detail, fix);
    }

    public static CheckResult fail(String name, String detail, String fix) {
        return new CheckResult(name, CheckStatus.FAIL, detail, fix);
    }

    public static CheckResult skip(String name, String why) {
        return new CheckResult(name, CheckStatus.SKIP, why, "");
    }
}
