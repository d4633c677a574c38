package dev.tether.controller.volumes;

import dev.tether.driver.error.AbortedException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * ListVolumes / ListSnapshots paging: a token names the first id of the next page, and a page starts at the first
 * id at or after it. Because ids are ordered, deleting or adding entries between pages never repeats or skips one that
 * stayed. The id is wrapped (base64url of {@code kind:id}) so a made-up string is recognised as invalid: ABORTED.
 */
final class PageToken {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    private PageToken() {
    }

    static String encode(String kind, String firstIdOfNextPage) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((kind + ":" + firstIdOfNextPage).getBytes(StandardCharsets.UTF_8));
    }

    /** The id a page starts at; empty string for the first page. */
    static String decode(String kind, String token) {
        if (token.isEmpty()) {
            return "";
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith(kind + ":") && ID.matcher(text.substring(kind.length() + 1)).matches()) {
                return text.substring(kind.length() + 1);
            }
        } catch (IllegalArgumentException notBase64) {
            // Falls through to the error below.
        }
        throw new AbortedException("starting_token '" + token + "' is not a token this plugin issued; list again from the start");
    }
}
