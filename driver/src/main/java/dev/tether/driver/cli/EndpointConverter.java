package dev.tether.driver.cli;

import dev.tether.driver.grpc.Endpoint;
import picocli.CommandLine;

/** Lets picocli reject a bad {@code --endpoint} at start-up with a message that says what is wrong. */
public final class EndpointConverter implements CommandLine.ITypeConverter<Endpoint> {
    @Override
    public Endpoint convert(String value) {
        try {
            return Endpoint.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
