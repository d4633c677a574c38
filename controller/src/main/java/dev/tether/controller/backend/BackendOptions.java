package dev.tether.controller.backend;

import dev.tether.driver.cli.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Flags that choose and configure the storage backend (picocli mixin of the controller command). docs/backend.md. */
public final class BackendOptions {

    @Option(names = "--backend", paramLabel = "KIND", defaultValue = "${env:TETHER_BACKEND:-nvmet}",
            description = "Storage backend: ${COMPLETION-CANDIDATES} (env TETHER_BACKEND; default ${DEFAULT-VALUE}).")
    public BackendKind kind;

    @Option(names = "--fake-capacity", paramLabel = "SIZE", converter = ByteSizeConverter.class,
            defaultValue = "${env:TETHER_FAKE_CAPACITY:-1Ti}",
            description = "Total size the fake backend pretends to have (env TETHER_FAKE_CAPACITY; default ${DEFAULT-VALUE}).")
    public long fakeCapacity;

    @Option(names = "--nvmet-target", paramLabel = "local|ssh://USER@HOST[:PORT]",
            defaultValue = "${env:TETHER_NVMET_TARGET:-local}",
            description = "Where the nvmet target runs: 'local' (this machine) or ssh://user@host[:port] "
                    + "(env TETHER_NVMET_TARGET; default ${DEFAULT-VALUE}).")
    public String target;

    @Option(names = "--nvmet-ssh-key", paramLabel = "FILE", defaultValue = "${env:TETHER_NVMET_SSH_KEY:-/etc/tether/ssh/id}",
            description = "Private key for SSH to the target (OpenSSH or PEM format) (env TETHER_NVMET_SSH_KEY; default ${DEFAULT-VALUE}).")
    public String sshKey;

    @Option(names = "--nvmet-ssh-known-hosts", paramLabel = "FILE",
            defaultValue = "${env:TETHER_NVMET_SSH_KNOWN_HOSTS:-/etc/tether/ssh/known_hosts}",
            description = "known_hosts file pinning the target's host key; an unknown or changed key is refused "
                    + "(env TETHER_NVMET_SSH_KNOWN_HOSTS; default ${DEFAULT-VALUE}).")
    public String sshKnownHosts;

    @Option(names = "--nvmet-ssh-connect-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_NVMET_SSH_CONNECT_TIMEOUT:-5s}",
            description = "Limit for connecting and authenticating to the target (env TETHER_NVMET_SSH_CONNECT_TIMEOUT; default ${DEFAULT-VALUE}).")
    public Duration sshConnectTimeout;

    @Option(names = "--nvmet-command-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_NVMET_COMMAND_TIMEOUT:-10s}",
            description = "Limit for each configfs operation or command on the target (env TETHER_NVMET_COMMAND_TIMEOUT; default ${DEFAULT-VALUE}).")
    public Duration commandTimeout;

    @Option(names = "--nvmet-copy-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_NVMET_COPY_TIMEOUT:-30m}",
            description = "Limit for copying a backing file (snapshot, clone) (env TETHER_NVMET_COPY_TIMEOUT; default ${DEFAULT-VALUE}).")
    public Duration copyTimeout;

    @Option(names = "--nvmet-backing-dir", paramLabel = "DIR", defaultValue = "${env:TETHER_NVMET_BACKING_DIR:-/var/lib/tether}",
            description = "Directory on the target for backing files and state (env TETHER_NVMET_BACKING_DIR; default ${DEFAULT-VALUE}).")
    public String backingDir;

    @Option(names = "--nvmet-address", paramLabel = "IP[,IP...]", split = ",",
            defaultValue = "${env:TETHER_NVMET_ADDRESS:-}",
            description = "Target addresses nodes connect to; the first is the default, a StorageClass may pick another with "
                    + "transportAddress. Required with --backend nvmet (env TETHER_NVMET_ADDRESS; default ${DEFAULT-VALUE}).")
    public java.util.List<String> addresses;

    @Option(names = "--nvmet-ports", paramLabel = "FIRST-LAST", defaultValue = "${env:TETHER_NVMET_PORTS:-4420-4919}",
            description = "TCP ports to export on, one per volume; keep them outside net.ipv4.ip_local_port_range "
                    + "(env TETHER_NVMET_PORTS; default ${DEFAULT-VALUE}).")
    public String ports;

    @Option(names = "--nvmet-buffered-io", paramLabel = "BOOL", arity = "1",
            defaultValue = "${env:TETHER_NVMET_BUFFERED_IO:-false}",
            description = "Serve backing files through the page cache; needed when they are on tmpfs (no O_DIRECT) "
                    + "(env TETHER_NVMET_BUFFERED_IO; default ${DEFAULT-VALUE}).")
    public boolean bufferedIo;

    @Option(names = "--nvmet-fence-margin", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_NVMET_FENCE_MARGIN:-3s}",
            description = "Added to 2 x keepAliveTmo + fastIoFailTmo before a cut host may be granted the volume again "
                    + "(env TETHER_NVMET_FENCE_MARGIN; default ${DEFAULT-VALUE}).")
    public Duration fenceMargin;

    @Option(names = "--nvmet-orphan-check-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_NVMET_ORPHAN_CHECK_INTERVAL:-10m}",
            description = "How often to report target objects with no volume behind them; 0s disables "
                    + "(env TETHER_NVMET_ORPHAN_CHECK_INTERVAL; default ${DEFAULT-VALUE}).")
    public Duration orphanCheckInterval;
}
