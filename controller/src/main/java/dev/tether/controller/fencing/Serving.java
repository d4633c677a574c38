package dev.tether.controller.fencing;

import java.util.Optional;

/** The replica's serving state: starts not serving until the first rebuild; leadership changes move it. */
public final class Serving implements ServingGate {
    private volatile String problem;

    public Serving(String initialProblem) {
        this.problem = initialProblem;
    }

    public void notServing(String why) {
        this.problem = why;
    }

    public void serve() {
        this.problem = null;
    }

    @Override
    public Optional<String> notServing() {
        return Optional.ofNullable(problem);
    }
}
