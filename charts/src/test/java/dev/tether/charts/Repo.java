package dev.tether.charts;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the checkout; tests run with the charts module as working directory. */
final class Repo {
    static final Path ROOT = findRoot();
    static final Path CHART = ROOT.resolve("charts/tether");
    static final Path DEPLOY = ROOT.resolve("deploy/tether.yaml");

    private Repo() {
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("charts/tether/Chart.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no charts/tether/Chart.yaml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static String read(String relative) {
        try {
            return Files.readString(ROOT.resolve(relative));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** shared/DESIGN.md lives beside the checkout (CI) or beside a parent of it (worktrees). */
    static Path design() {
        for (Path dir = ROOT; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/DESIGN.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/DESIGN.md not found beside " + ROOT + " or any parent of it");
    }
}
