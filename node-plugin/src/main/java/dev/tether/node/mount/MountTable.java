package dev.tether.node.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Parses /proc/self/mountinfo (proc(5)): the kernel's own, unambiguous view of what is mounted where. */
public final class MountTable {
    private MountTable() {
    }

    public static List<MountPoint> parse(String text) {
        List<MountPoint> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                throw new IllegalArgumentException("mountinfo line without separator: " + line);
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 6 || after.length < 2) {
                throw new IllegalArgumentException("short mountinfo line: " + line);
            }
            mounts.add(new MountPoint(Path.of(unescape(before[4])), before[2], unescape(before[3]), after[0],
                    unescape(after[1]), Arrays.asList(before[5].split(",")),
                    after.length > 2 ? Arrays.asList(after[2].split(",")) : List.of()));
        }
        return mounts;
    }

    /** The kernel writes space, tab, newline and backslash in paths as three-digit octal escapes. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Escapes a path the way the kernel does, for fakes that write mountinfo. */
    public static String escape(String path) {
        return path.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011").replace("\n", "\\012");
    }
}
