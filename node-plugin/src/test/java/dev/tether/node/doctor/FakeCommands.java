package dev.tether.node.doctor;

import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Programs as the checks see them: a known argv answers its scripted result; any other program is "not installed",
 * which ProcessCommandRunner reports as UncheckedIOException (it could not be started).
 */
final class FakeCommands implements CommandRunner {
    private final Map<List<String>, CommandResult> scripted = new HashMap<>();
    final List<List<String>> ran = new ArrayList<>();

    FakeCommands answer(List<String> argv, int exit, String stdout, String stderr) {
        scripted.put(argv, new CommandResult(argv, exit, stdout, stderr));
        return this;
    }

    /** What a healthy node answers. */
    static FakeCommands healthyNode() {
        return new FakeCommands()
                .answer(List.of("nvme", "version"), 0, "nvme version 2.3 (git 2.3)\nlibnvme version 1.3 (git 1.3)\n", "")
                .answer(List.of("mount", "--version"), 0, "mount from util-linux 2.38.1 (libmount 2.38.1)\n", "")
                .answer(List.of("blkid", "-V"), 0, "blkid from util-linux 2.38.1  (libblkid 2.38.1, 04-Aug-2022)\n", "")
                .answer(List.of("mkfs.ext4", "-V"), 0, "", "mke2fs 1.47.0 (5-Feb-2023)\n\tUsing EXT2FS Library version 1.47.0\n")
                .answer(List.of("mkfs.xfs", "-V"), 0, "mkfs.xfs version 6.1.0\n", "");
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) {
        ran.add(argv);
        CommandResult result = scripted.get(argv);
        if (result == null) {
            throw new UncheckedIOException("could not start " + String.join(" ", argv),
                    new IOException("Cannot run program \"" + argv.getFirst() + "\": error=2, No such file or directory"));
        }
        return result;
    }
}
