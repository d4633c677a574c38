package dev.tether.driver.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** All readiness checks of a process; what CSI Probe and {@code /readyz} report. */
public final class Readiness {
    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
    private final List<ReadinessCheck> checks = new CopyOnWriteArrayList<>();

    public Readiness add(ReadinessCheck check) {
        checks.add(check);
        return this;
    }

    public Readiness add(String name, java.util.function.Supplier<Optional<String>> problem) {
        return add(new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> problem() {
                return problem.get();
            }
        });
    }

    /** Problems of every failing check as "name: problem"; a check that throws counts as failing. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (ReadinessCheck check : checks) {
            try {
                check.problem().ifPresent(p -> problems.add(check.name() + ": " + p));
            } catch (RuntimeException e) {
                LOG.warn("readiness check {} failed", check.name(), e);
                problems.add(check.name() + ": check failed: " + e.getMessage());
            }
        }
        return problems;
    }

    public boolean ready() {
        return problems().isEmpty();
    }
}
