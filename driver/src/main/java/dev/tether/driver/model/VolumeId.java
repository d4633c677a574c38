package dev.tether.driver.model;

import java.util.regex.Pattern;

/**
 * A volume id as Tether issues it. It becomes part of an NQN and a backing file name, so it is restricted to
 * lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters.
 */
public record VolumeId(String value) {
    private static final Pattern FORMAT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    public VolumeId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a Tether volume id ([a-z0-9][a-z0-9._-]{0,99})");
        }
    }

    public static boolean isValid(String value) {
        return value != null && FORMAT.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
