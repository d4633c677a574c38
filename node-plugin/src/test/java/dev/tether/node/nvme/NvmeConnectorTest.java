package dev.tether.node.nvme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.Sysfs;
import dev.tether.node.identity.HostIdentity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvmeConnectorTest {
    static final String NQN = "nqn.2026-01.dev.tether:pvc-1";
    static final HostIdentity HOST = new HostIdentity(new Nqn("nqn.2014-08.org.nvmexpress:uuid:11111111-2222-3333-4444-555555555555"),
            "11111111-2222-3333-4444-555555555555");
    static final NvmeTarget TARGET = new NvmeTarget(new Nqn(NQN), "192.0.2.10", 4421, 1, new NvmeTimeouts(600, 2, 5, 5));

    @TempDir
    Path root;
    FakeNvmeKernel kernel;
    FakeTicker ticker;
    SimpleMeterRegistry registry;
    NvmeSysfs nvme;
    NvmeConnector connector;

    @BeforeEach
    void setUp() {
        kernel = new FakeNvmeKernel(root, (argv, t) -> new CommandResult(argv, 127, "", "not modelled"))
                .export(NQN, "192.0.2.10", 4421, 64L << 20);
        ticker = new FakeTicker();
        registry = new SimpleMeterRegistry();
        nvme = new NvmeSysfs(new Sysfs(root));
        connector = new NvmeConnector(nvme, kernel, HOST, ticker, new NvmeMetrics(registry),
                new NvmeConnector.Limits(Duration.ofSeconds(10), Duration.ofSeconds(20)));
    }

    double connects(String result) {
        var c = registry.find("tether_nvme_connects").tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void connectsWithEveryTimeoutAsArgvAndSetsFastIoFailThroughSysfs() throws Exception {
        NvmeController c = connector.connect(TARGET);

        assertThat(c.live()).isTrue();
        assertThat(kernel.ran).containsExactly(List.of("nvme", "connect", "-t", "tcp", "-a", "192.0.2.10", "-s", "4421",
                "-n", NQN, "--hostnqn", HOST.hostNqn().value(), "--hostid", HOST.hostId(), "--ctrl-loss-tmo", "600",
                "--reconnect-delay", "2", "--keep-alive-tmo", "5"));
        assertThat(Files.readString(root.resolve("sys/class/nvme/" + c.name() + "/fast_io_fail_tmo"))).isEqualTo("5");
        assertThat(nvme.namespaceDevice(new Nqn(NQN), 1)).contains("nvme0n1");
        assertThat(connects("ok")).isEqualTo(1);
    }

    @Test
    void aSecondConnectReusesTheLiveControllerWithoutRunningNvme() {
        NvmeController first = connector.connect(TARGET);
        NvmeController second = connector.connect(TARGET);

        assertThat(second.name()).isEqualTo(first.name());
        assertThat(kernel.ran).hasSize(1);
        assertThat(kernel.controllersOf(NQN)).hasSize(1);
    }

    @Test
    void aControllerStillInStateNewIsWaitedForNotDuplicated() {
        connector.connect(TARGET);
        String ctrl = kernel.controllersOf(NQN).getFirst();
        kernel.setState(ctrl, "new");
        ticker.atNextSleep(() -> kernel.setState(ctrl, "live"));

        NvmeController c = connector.connect(TARGET);

        assertThat(c.name()).isEqualTo(ctrl);
        assertThat(kernel.controllersOf(NQN)).hasSize(1);
        assertThat(kernel.ran).hasSize(1);
    }

    @Test
    void eAlreadyFromNvmeCliMeansUseTheExistingController() {
        // nvme-cli says "already connected" when our sysfs scan raced with another connect: modelled by a runner
        // that connects first, then reports EALREADY as the kernel would for the duplicate.
        NvmeConnector racing = new NvmeConnector(nvme, (argv, timeout) -> {
            kernel.run(argv, timeout);
            return kernel.run(argv, timeout);
        }, HOST, ticker, new NvmeMetrics(registry), new NvmeConnector.Limits(Duration.ofSeconds(10), Duration.ofSeconds(20)));

        NvmeController c = racing.connect(TARGET);

        assertThat(c.live()).isTrue();
        assertThat(kernel.controllersOf(NQN)).hasSize(1);
        assertThat(connects("already")).isEqualTo(1);
    }

    @Test
    void waitsForAConnectingControllerInsteadOfConnectingAgain() {
        NvmeController c = connector.connect(TARGET);
        kernel.setState(c.name(), "connecting");
        ticker.atNextSleep(() -> kernel.setState(c.name(), "resetting"));
        ticker.atNextSleep(() -> ticker.atNextSleep(() -> kernel.setState(c.name(), "live")));

        assertThat(connector.connect(TARGET).name()).isEqualTo(c.name());
        assertThat(kernel.ran).hasSize(1);
        assertThat(ticker.slept).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aControllerThatStaysConnectingIsUnavailableAfterTheDeadline() {
        NvmeController c = connector.connect(TARGET);
        kernel.setState(c.name(), "connecting");

        assertThatThrownBy(() -> connector.connect(TARGET)).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("controller " + c.name() + " is connecting").hasMessageContaining("20 s");
    }

    @Test
    void aRefusedConnectIsUnavailableWithNvmeCliOutputAndLeavesNothingBehind() {
        kernel.unexport(NQN);

        assertThatThrownBy(() -> connector.connect(TARGET)).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("could not add new controller").hasMessageContaining("192.0.2.10:4421");
        assertThat(nvme.controllers(new Nqn(NQN))).isEmpty();
        assertThat(connects("error")).isEqualTo(1);
    }

    @Test
    void aControllerDeletedAfterCtrlLossTmoIsReplacedAndTheDeviceGetsANewName() {
        NvmeController first = connector.connect(TARGET);
        assertThat(nvme.namespaceDevice(new Nqn(NQN), 1)).contains("nvme0n1");
        kernel.deleteController(first.name());
        assertThat(nvme.namespaceDevice(new Nqn(NQN), 1)).isEmpty();

        NvmeController second = connector.connect(TARGET);

        assertThat(second.name()).isNotEqualTo(first.name());
        assertThat(nvme.namespaceDevice(new Nqn(NQN), 1)).contains("nvme1n1");
    }

    @Test
    void theHiddenPathDeviceIsNeverReturned() throws Exception {
        NvmeController c = connector.connect(TARGET);
        // Take the head disk away: only nvme0c0n1 (no /dev node) is left, and it must not be picked.
        Path head = root.resolve("sys/class/nvme-subsystem/nvme-subsys0/nvme0n1");
        Files.delete(head.resolve("nsid"));
        Files.delete(head);
        assertThat(root.resolve("sys/class/nvme/" + c.name() + "/nvme0c0n1")).exists();

        assertThat(nvme.namespaceDevice(new Nqn(NQN), 1)).isEmpty();
    }

    @Test
    void disconnectRemovesOwnedSubsystemsOnlyAndVerifies() {
        connector.connect(TARGET);
        String foreign = "nqn.2020-01.example:rootdisk";
        kernel.export(foreign, "192.0.2.99", 4420, 1L << 30);
        new NvmeConnector(nvme, kernel, HOST, ticker, new NvmeMetrics(registry),
                new NvmeConnector.Limits(Duration.ofSeconds(10), Duration.ofSeconds(20)))
                .connect(new NvmeTarget(new Nqn(foreign), "192.0.2.99", 4420, 1, NvmeTimeouts.DEFAULTS));

        assertThat(connector.disconnect(new Nqn(foreign))).isFalse();
        assertThat(connector.disconnect(new Nqn(NQN))).isTrue();

        assertThat(nvme.controllers(new Nqn(NQN))).isEmpty();
        assertThat(nvme.controllers(new Nqn(foreign))).hasSize(1);
        assertThat(kernel.ran).doesNotContain(List.of("nvme", "disconnect", "-n", foreign));
    }

    @Test
    void aFastIoFailThatDoesNotStickRollsBackTheNewConnection() throws Exception {
        // A kernel without the attribute: the write fails; the controller we just created must not stay.
        NvmeConnector withoutAttr = new NvmeConnector(nvme, (argv, t) -> {
            CommandResult r = kernel.run(argv, t);
            if (argv.get(1).equals("connect")) {
                for (String ctrl : kernel.controllersOf(NQN)) {
                    try {
                        Files.delete(root.resolve("sys/class/nvme/" + ctrl + "/fast_io_fail_tmo"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
            return r;
        }, HOST, ticker, new NvmeMetrics(registry), new NvmeConnector.Limits(Duration.ofSeconds(10), Duration.ofSeconds(20)));

        assertThatThrownBy(() -> withoutAttr.connect(TARGET)).isInstanceOf(RuntimeException.class)
                .hasMessageContaining("fast_io_fail_tmo");
        assertThat(kernel.controllersOf(NQN)).isEmpty();
    }
}
