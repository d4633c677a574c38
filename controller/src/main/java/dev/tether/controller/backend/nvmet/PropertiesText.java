package dev.tether.controller.backend.nvmet;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** State files on the target are Java properties (escaping is standard, no dependency, readable by a person). */
final class PropertiesText {
    private PropertiesText() {
    }

    static String write(Map<String, String> values) {
        Properties properties = new Properties();
        properties.putAll(values);
        StringWriter out = new StringWriter();
        try {
            properties.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // store() never continues a line, so sorting lines is safe; the date comment is dropped so equal state reads equal.
        return out.toString().lines().filter(l -> !l.startsWith("#")).sorted()
                .collect(Collectors.joining("\n", "# Tether volume state; written by the controller\n", "\n"));
    }

    static Map<String, String> read(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("unreadable state file: " + e.getMessage(), e);
        }
        Map<String, String> values = new TreeMap<>();
        properties.forEach((k, v) -> values.put((String) k, (String) v));
        return values;
    }
}
