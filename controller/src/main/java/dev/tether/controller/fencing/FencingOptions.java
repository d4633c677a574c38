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

    @Option(names = "--reconcile-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_RECONCILE_INTERVAL:-5m}",
            description = "How often the reconciler clears attachments whose node or VolumeAttachment is gone; it also runs "
                    + "when a Node or VolumeAttachment is deleted or a node is tainted out-of-service "
                    + "(env TETHER_RECONCILE_INTERVAL; default ${DEFAULT-VALUE}).")
    public Duration reconcileInterval;

    @Option(names = "--target-check-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_TARGET_CHECK_INTERVAL:-30s}",
            description = "How often the serving controller checks that every volume is exported on the storage target and, "
                    + "after a target reboot, re-exports it (never on a missing or short backing file) and re-grants its "
                    + "attached nodes; 0s disables (env TETHER_TARGET_CHECK_INTERVAL; default ${DEFAULT-VALUE}).")
    public Duration targetCheckInterval;

    @Option(names = "--node-not-ready-threshold", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_NODE_NOT_READY_THRESHOLD:-5m}",
            description = "A node NotReady this long triggers a reconciler pass (env TETHER_NODE_NOT_READY_THRESHOLD; "
                    + "default ${DEFAULT-VALUE}).")
    public Duration notReadyThreshold;

    @Option(names = "--leader-election", paramLabel = "auto|true|false", defaultValue = "${env:TETHER_LEADER_ELECTION:-auto}",
            description = "Elect a leader on a Lease so replicas can run side by side; only the leader serves mutating RPCs. "
                    + "auto: on with a cluster, off standalone (env TETHER_LEADER_ELECTION; default ${DEFAULT-VALUE}).")
    public String leaderElection;

    @Option(names = "--leader-election-namespace", paramLabel = "NAMESPACE",
            defaultValue = "${env:TETHER_LEADER_ELECTION_NAMESPACE:-}",
            description = "Namespace of the Lease; empty: the pod's namespace (POD_NAMESPACE or the service account's), "
                    + "else 'default' (env TETHER_LEADER_ELECTION_NAMESPACE; default: the pod's namespace).")
    public String leaseNamespace;

    @Option(names = "--leader-election-lease-name", paramLabel = "NAME",
            defaultValue = "${env:TETHER_LEADER_ELECTION_LEASE_NAME:-tether-controller}",
            description = "Name of the Lease (env TETHER_LEADER_ELECTION_LEASE_NAME; default ${DEFAULT-VALUE}).")
    public String leaseName;

    @Option(names = "--leader-election-lease-duration", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_LEADER_ELECTION_LEASE_DURATION:-15s}",
            description = "How long a lease lasts without renewal; a standby takes over at most this long after the leader "
                    + "dies (env TETHER_LEADER_ELECTION_LEASE_DURATION; default ${DEFAULT-VALUE}).")
    public Duration leaseDuration;

    @Option(names = "--leader-election-renew-deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_LEADER_ELECTION_RENEW_DEADLINE:-10s}",
            description = "The leader gives up (stops serving) if it cannot renew the lease within this; shorter than the "
                    + "lease duration (env TETHER_LEADER_ELECTION_RENEW_DEADLINE; default ${DEFAULT-VALUE}).")
    public Duration renewDeadline;

    @Option(names = "--leader-election-retry-period", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_LEADER_ELECTION_RETRY_PERIOD:-2s}",
            description = "How often replicas try to acquire or renew the lease (env TETHER_LEADER_ELECTION_RETRY_PERIOD; "
                    + "default ${DEFAULT-VALUE}).")
    public Duration retryPeriod;

    /** Lease timings, checked against each other. */
    public LeaseTimings leaseTimings() {
        if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0 || retryPeriod.isZero()) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "leader election needs "
                    + "0 < --leader-election-retry-period (" + retryPeriod + ") < --leader-election-renew-deadline (" + renewDeadline
                    + ") < --leader-election-lease-duration (" + leaseDuration + ")");
        }
        return new LeaseTimings(leaseDuration, renewDeadline, retryPeriod);
    }

    /** How long a lease lasts, how long the leader may fail to renew it, and how often anyone tries. */
    public record LeaseTimings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        /** Renew deadline 2/3 and retry period 1/5 of the lease duration (tests). */
        public static LeaseTimings of(Duration leaseDuration) {
            return new LeaseTimings(leaseDuration, leaseDuration.multipliedBy(2).dividedBy(3), leaseDuration.dividedBy(5));
        }
    }

    /** Whether to elect a leader, given whether there is a cluster. */
    public boolean leaderElection(boolean cluster) {
        return switch (leaderElection.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> cluster;
            case "true" -> {
                if (!cluster) {
                    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                            "--leader-election true needs a cluster; it cannot be used with --kubeconfig none");
                }
                yield true;
            }
            case "false" -> false;
            default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--leader-election '" + leaderElection + "' must be auto, true or false");
        };
    }

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
