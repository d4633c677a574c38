package dev.tether.node;

import java.util.regex.Pattern;
import picocli.CommandLine;

/** Rejects a node name Kubernetes would never issue, at start-up rather than at the first NodeGetInfo. */
final class NodeNameConverter implements CommandLine.ITypeConverter<String> {
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    @Override
    public String convert(String value) {
        if (!DNS_SUBDOMAIN.matcher(value).matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a Kubernetes node name (lower-case DNS subdomain)");
        }
        return value;
    }
}
