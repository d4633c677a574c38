package dev.tether.controller.fencing;

import dev.tether.driver.cli.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Flags of the attach path (picocli mixin of the controller command). docs/fencing.md explains each. */
public final class FencingOptions {

    @Option(names = "--max-volumes-per-node", paramLabel = "N", defaultValue = "${env:TETHER_MAX_VOLUMES_PER_NODE:-0}",
            description = "Most Tether volumes published to one node; more answers RESOURCE_EXHAUSTED; 0 is unlimited "
                    + "(env TETHER_MAX_VOLUMES_PER_NODE; default ${DEFAULT-VALUE}).")
    public int maxVolumesPerNode;

    @Option(names = "--detach-grace", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_DETACH_GRACE:-10s}",
            description = "After a volume is unpublished from a node, a publish to another node answers ABORTED (retry) "
                    + "for this long, so the old host's I/O drains first (env TETHER_DETACH_GRACE; default ${DEFAULT-VALUE}).")
    public Duration detachGrace;

    @Option(names = "--migration-window", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_MIGRATION_WINDOW:-5m}",
            description = "How long a block MULTI_NODE_MULTI_WRITER volume may stay on two nodes (live migration) before a "
                    + "MigrationWindowExceeded warning; it is never force-detached (env TETHER_MIGRATION_WINDOW; default ${DEFAULT-VALUE}).")
    public Duration migrationWindow;

    @Option(names = "--state-file", paramLabel = "PATH", defaultValue = "${env:TETHER_STATE_FILE:-}",
            description = "Standalone only (--kubeconfig none): keep attachments in this file (written atomically before "
                    + "each answer) instead of memory (env TETHER_STATE_FILE; default: memory).")
    public String stateFile;

    public FencingSettings settings() {
        if (maxVolumesPerNode < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--max-volumes-per-node " + maxVolumesPerNode + " must not be negative");
        }
        return new FencingSettings(maxVolumesPerNode, detachGrace, migrationWindow);
    }

    public java.util.Optional<Path> stateFilePath() {
        return stateFile == null || stateFile.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(stateFile));
    }
}
