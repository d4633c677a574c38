package dev.tether.driver.doctor;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Runs doctor checks in order, prints one aligned line each (and the fix under it), and sums them up. */
public final class DoctorReport {
    /** Exit code of {@code doctor} when at least one check failed (2 stays picocli's usage error). */
    public static final int FAILED = 1;

    private final List<CheckResult> results;

    private DoctorReport(List<CheckResult> results) {
        this.results = List.copyOf(results);
    }

    public static DoctorReport run(List<? extends DoctorCheck> checks) {
        List<CheckResult> results = new ArrayList<>();
        for (DoctorCheck check : checks) {
            results.add(runOne(check));
        }
        return new DoctorReport(results);
    }

    private static CheckResult runOne(DoctorCheck check) {
        try {
            return check.run();
        } catch (RuntimeException e) {
            return CheckResult.fail(check.name(), "the check itself failed: " + e,
                    "rerun with --log-level debug in the Tether container and report the error");
        }
    }

    public List<CheckResult> results() {
        return results;
    }

    public int exitCode() {
        return results.stream().anyMatch(r -> r.status() == CheckStatus.FAIL) ? FAILED : 0;
    }

    public void print(String title, PrintWriter out) {
        int width = results.stream().mapToInt(r -> r.name().length()).max().orElse(0);
        out.println(title);
        for (CheckResult r : results) {
            out.printf("  %-4s  %-" + width + "s  %s%n", r.status().label(), r.name(), r.detail());
            if (!r.fix().isBlank()) {
                out.printf("        %" + width + "s  fix: %s%n", "", r.fix());
            }
        }
        Map<CheckStatus, Integer> counts = new EnumMap<>(CheckStatus.class);
        results.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
        out.printf("%d failed, %d warnings, %d ok, %d skipped%n", counts.getOrDefault(CheckStatus.FAIL, 0),
                counts.getOrDefault(CheckStatus.WARN, 0), counts.getOrDefault(CheckStatus.OK, 0),
                counts.getOrDefault(CheckStatus.SKIP, 0));
        out.flush();
    }
}
