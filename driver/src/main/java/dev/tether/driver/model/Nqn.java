package dev.tether.driver.model;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** An NVMe Qualified Name: {@code nqn.yyyy-mm.reverse.domain:anything}, at most 223 bytes (NVMe base spec). */
public record Nqn(String value) {
    private static final Pattern FORMAT = Pattern.compile("nqn\\.\\d{4}-\\d{2}\\.[A-Za-z0-9][A-Za-z0-9.-]*(:\\S+)?");
    public static final int MAX_BYTES = 223;

    public Nqn {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not an NQN (nqn.yyyy-mm.reverse.domain:name)");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("NQN '" + value + "' is longer than " + MAX_BYTES + " bytes");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
