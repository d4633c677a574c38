package dev.tether.driver.cli;

import dev.tether.driver.grpc.Endpoint;
import dev.tether.driver.logging.LogFormat;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Flags every Tether server shares. Each flag falls back to an environment variable named {@code TETHER_} plus the
 * flag in upper snake case, so a Helm chart can set any of them through env.
 */
public final class CommonOptions {

    @Option(names = "--endpoint", paramLabel = "URL", converter = EndpointConverter.class,
            defaultValue = "${env:TETHER_ENDPOINT:-unix:///run/tether/csi.sock}",
            description = "CSI endpoint: unix:///abs/path or tcp://host:port (env TETHER_ENDPOINT; default ${DEFAULT-VALUE}).")
    public Endpoint endpoint;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            defaultValue = "${env:TETHER_LOG_FORMAT:-text}",
            description = "Log format: ${COMPLETION-CANDIDATES} (env TETHER_LOG_FORMAT; default ${DEFAULT-VALUE}).")
    public LogFormat logFormat;

    @Option(names = "--log-level", paramLabel = "LEVEL", converter = LogLevelConverter.class,
            defaultValue = "${env:TETHER_LOG_LEVEL:-info}",
            description = "Log level: error, warn, info, debug, trace (env TETHER_LOG_LEVEL; default ${DEFAULT-VALUE}).")
    public String logLevel;

    @Option(names = "--shutdown-drain", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_SHUTDOWN_DRAIN:-10s}",
            description = "How long in-flight calls may finish after SIGTERM (env TETHER_SHUTDOWN_DRAIN; default ${DEFAULT-VALUE}).")
    public Duration shutdownDrain;
}
