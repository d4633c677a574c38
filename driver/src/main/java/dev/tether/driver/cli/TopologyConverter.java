package dev.tether.driver.cli;

import dev.tether.driver.model.TopologySegments;
import picocli.CommandLine;

/** {@code KEY=VALUE[,KEY=VALUE...]} topology flags; a bad key or value is a usage error naming the flag. */
public final class TopologyConverter implements CommandLine.ITypeConverter<TopologySegments> {
    @Override
    public TopologySegments convert(String value) {
        try {
            return TopologySegments.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("'" + value + "': " + e.getMessage());
        }
    }
}
