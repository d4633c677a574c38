package dev.tether.driver.cli;

import java.net.InetSocketAddress;
import java.util.Optional;

/** A {@code host:port} (or {@code :port} for all interfaces) to serve HTTP on; empty text turns the listener off. */
public record ListenAddress(Optional<InetSocketAddress> address) {

    public static ListenAddress parse(String text) {
        if (text == null || text.isBlank()) {
            return new ListenAddress(Optional.empty());
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + text + "' is not host:port (or :port, or empty to disable)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " in '" + text + "' is out of range 0-65535");
        }
        return new ListenAddress(Optional.of(host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port)));
    }

    /** picocli converter for this type. */
    public static final class Converter implements picocli.CommandLine.ITypeConverter<ListenAddress> {
        @Override
        public ListenAddress convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
