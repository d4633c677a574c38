package dev.tether.driver.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoctorReportTest {

    static DoctorCheck returning(CheckResult result) {
        return new DoctorCheck() {
            @Override
            public String name() {
                return result.name();
            }

            @Override
            public CheckResult run() {
                return result;
            }
        };
    }

    @Test
    void anyFailMakesTheExitCodeNonZeroAndWarningsDoNot() {
        DoctorReport warnOnly = DoctorReport.run(List.of(returning(CheckResult.ok("a", "fine")),
                returning(CheckResult.warn("b", "meh", "do x")), DoctorCheck.skipped("c", "off")));
        assertThat(warnOnly.exitCode()).isZero();
        DoctorReport failed = DoctorReport.run(List.of(returning(CheckResult.ok("a", "fine")),
                returning(CheckResult.fail("b", "broken", "do y"))));
        assertThat(failed.exitCode()).isEqualTo(DoctorReport.FAILED);
    }

    @Test
    void aCheckThatThrowsBecomesAFailNamingTheError() {
        DoctorCheck throwing = new DoctorCheck() {
            @Override
            public String name() {
                return "exploding";
            }

            @Override
            public CheckResult run() {
                throw new IllegalStateException("boom");
            }
        };
        DoctorReport report = DoctorReport.run(List.of(throwing));
        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckStatus.FAIL);
            assertThat(r.detail()).contains("boom");
        });
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void printsOneAlignedLinePerCheckTheFixUnderItAndASummary() {
        StringWriter text = new StringWriter();
        DoctorReport.run(List.of(returning(CheckResult.ok("short", "fine")),
                returning(CheckResult.fail("a longer name", "broken", "do y")))).print("title", new PrintWriter(text));
        assertThat(text.toString().lines().toList()).containsExactly(
                "title",
                "  ok    short          fine",
                "  fail  a longer name  broken",
                "                       fix: do y",
                "1 failed, 0 warnings, 1 ok, 0 skipped");
    }

    @Test
    void warnAndFailMustCarryAFix() {
        assertThatThrownBy(() -> CheckResult.fail("x", "broken", " ")).hasMessageContaining("without a fix");
        assertThatThrownBy(() -> CheckResult.warn("x", "meh", "")).hasMessageContaining("without a fix");
    }
}
