package dev.tether.controller.backend.host.ssh;

import java.util.ArrayList;
import java.util.List;

/**
 * The fixed shell snippets that express file operations as remote commands. Each is a constant run as
 * {@code sh -c SCRIPT tether ARG...}: user data only ever arrives as positional parameters ("$1", "$2"), always
 * double-quoted inside the script, so it is never parsed as shell code. Exit code 3 means "does not exist".
 */
final class RemoteScripts {
    static final int MISSING = 3;

    /** $1 file: print it, or exit 3. */
    static final String READ = "[ -e \"$1\" ] || exit 3; exec cat -- \"$1\"";
    /** $1 attribute, $2 value: one write(2) of the value, as configfs needs (printf is a builtin, output unbuffered to one call). */
    static final String WRITE_ATTRIBUTE = "printf '%s' \"$2\" > \"$1\"";
    /** $1 dir: names, one a line, or exit 3. */
    static final String LIST = "[ -d \"$1\" ] || exit 3; exec ls -1A -- \"$1\"";
    /** $1 path: exit 0 if it exists or is a (dangling) link. */
    static final String EXISTS = "[ -e \"$1\" ] || [ -L \"$1\" ]";
    /** $1 file, $2 content: write a temp file next to it and rename over it. */
    static final String WRITE_FILE = "umask 077 && printf '%s' \"$2\" > \"$1.tmp\" && mv -f -- \"$1.tmp\" \"$1\"";
    /** $1 dir, $2 suffix: NUL-separated name, content pairs of the regular files ending in the suffix. */
    static final String READ_FILES = "cd -- \"$1\" 2>/dev/null || exit 0; for f in *\"$2\"; do "
            + "[ -f \"$f\" ] && printf '%s\\0%s\\0' \"$f\" \"$(cat -- \"$f\")\"; done; exit 0";

    private RemoteScripts() {
    }

    static List<String> sh(String script, String... args) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", script, "tether"));
        argv.addAll(List.of(args));
        return argv;
    }
}
