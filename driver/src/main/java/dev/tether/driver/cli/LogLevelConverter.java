package dev.tether.driver.cli;

import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;

/** Accepts the five log levels in any case. */
public final class LogLevelConverter implements CommandLine.ITypeConverter<String> {
    private static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug", "trace");

    @Override
    public String convert(String value) {
        String level = value.toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not one of error, warn, info, debug, trace");
        }
        return level;
    }
}
