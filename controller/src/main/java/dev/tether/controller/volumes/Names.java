package dev.tether.controller.volumes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Derives Tether ids (which become NQNs and file names) from CO-chosen names. A name that already is a valid id
 * ({@code pvc-<uuid>}, {@code snapshot-<uuid>}) is used as it is, so operators recognise their volumes on the target;
 * anything else is reduced to the id alphabet and suffixed with a hash of the full name, so distinct names never
 * collapse onto one id.
 */
final class Names {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final int KEEP = 80;

    private Names() {
    }

    static String toId(String name) {
        if (ID.matcher(name).matches()) {
            return name;
        }
        String reduced = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[._-]+", "");
        if (reduced.length() > KEEP) {
            reduced = reduced.substring(0, KEEP);
        }
        return (reduced.isEmpty() ? "v" : reduced) + "-" + hash(name);
    }

    private static String hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
