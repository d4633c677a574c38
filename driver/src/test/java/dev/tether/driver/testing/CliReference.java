package dev.tether.driver.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Keeps docs/configuration.md in step with the code: each app's section (between marker comments) is the table of
 * its flags as picocli sees them. A test compares; {@code -Dtether.updateDocs=true} rewrites the section instead.
 */
public final class CliReference {
    private CliReference() {
    }

    /** The markdown table of a command's options: flag, environment variable, default, description. */
    public static String table(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setInterpolateVariables(false);
        CommandSpec spec = cli.getCommandSpec();
        StringBuilder out = new StringBuilder("| flag | environment | default | what it does |\n|---|---|---|---|\n");
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String raw = option.defaultValue() == null ? "" : option.defaultValue();
            String env = "TETHER_" + option.longestName().substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
            String def = raw.contains(":-") ? raw.substring(raw.indexOf(":-") + 2, raw.length() - 1) : "";
            String description = String.join(" ", option.description())
                    .replaceAll("\\s*\\(env TETHER_[A-Z_]+[^)]*\\)\\.?", "")
                    .replace("${COMPLETION-CANDIDATES}", candidates(option))
                    .replace("|", "\\|");
            out.append("| `").append(option.longestName()).append("` | `").append(env).append("` | ")
                    .append(def.isEmpty() ? (option.required() || !raw.contains(":-") ? "(required)" : "(none)") : "`" + def + "`")
                    .append(" | ").append(description.strip()).append(" |\n");
        }
        return out.toString();
    }

    private static String candidates(OptionSpec option) {
        Iterable<String> values = option.completionCandidates();
        return values == null ? "" : String.join(", ", values);
    }

    /**
     * Returns the section of {@code doc} between {@code <!-- begin NAME -->} and {@code <!-- end NAME -->}; with
     * {@code -Dtether.updateDocs=true} first replaces it with {@code expected}.
     */
    public static String section(Path doc, String name, String expected) throws IOException {
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        String begin = "<!-- begin " + name + " -->\n";
        String end = "<!-- end " + name + " -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new AssertionError(doc + " has no section " + begin.strip() + " ... " + end);
        }
        if (Boolean.getBoolean("tether.updateDocs")) {
            text = text.substring(0, from + begin.length()) + expected + text.substring(to);
            Files.writeString(doc, text, StandardCharsets.UTF_8);
            return expected;
        }
        return text.substring(from + begin.length(), to);
    }

    /** docs/ of the repository, found from a module's base directory. */
    public static Path docs(String file) {
        Path base = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        Path candidate = base.resolve("docs").resolve(file);
        return Files.exists(candidate) ? candidate : base.getParent().resolve("docs").resolve(file);
    }
}
