package dev.tether.controller.backend.nvmet;

import dev.tether.driver.testing.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.controller.backend.BackendSnapshot;
import dev.tether.controller.backend.BackendVolume;
import dev.tether.controller.backend.ExportRestore;
import dev.tether.controller.backend.SnapshotId;
import dev.tether.controller.backend.VolumeParameters;
import dev.tether.controller.backend.VolumeSource;
import dev.tether.controller.backend.VolumeSpec;
import dev.tether.driver.error.AlreadyExistsException;
import dev.tether.driver.error.FailedPreconditionException;
import dev.tether.driver.error.InvalidArgumentException;
import dev.tether.driver.error.NotFoundException;
import dev.tether.driver.error.ResourceExhaustedException;
import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NvmetBackendTest {
    static final String ROOT = NvmetConfigfs.ROOT;
    static final String DIR = "/srv/tether";
    static final Nqn HOST_A = new Nqn("nqn.2014-08.org.nvmexpress:uuid:aaaaaaaa-0000-0000-0000-000000000001");
    static final Nqn HOST_B = new Nqn("nqn.2014-08.org.nvmexpress:uuid:bbbbbbbb-0000-0000-0000-000000000002");
    static final long MIB = 1L << 20;

    final FakeNvmetHost host = new FakeNvmetHost();
    final ManualClock clock = new ManualClock();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    NvmetBackend backend = newBackend();

    NvmetBackend newBackend() {
        return new NvmetBackend(host, new NvmetSettings(DIR, List.of("10.0.0.1", "10.0.1.1"), 4420, 4429, false,
                Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(3)), clock, registry);
    }

    static VolumeSpec spec(String id, long bytes) {
        return new VolumeSpec(new VolumeId(id), "name-" + id, bytes, VolumeParameters.DEFAULTS, VolumeSource.NONE);
    }

    static String nqn(String id) {
        return "nqn.2026-01.dev.tether:" + id;
    }

    BackendVolume create(String id) {
        return backend.create(spec(id, 64 * MIB));
    }

    @Test
    void createExportsAFileBackedNamespaceOnItsOwnPortForAllowedHostsOnly() {
        BackendVolume volume = create("pvc-1");

        String sub = ROOT + "/subsystems/" + nqn("pvc-1");
        assertThat(host.read(sub + "/attr_allow_any_host")).contains("0");
        assertThat(host.read(sub + "/namespaces/1/device_path")).contains(DIR + "/volumes/pvc-1.img");
        assertThat(host.read(sub + "/namespaces/1/enable")).contains("1");
        assertThat(host.size(DIR + "/volumes/pvc-1.img")).isEqualTo(64 * MIB);
        assertThat(host.read(ROOT + "/ports/4420/addr_traddr")).contains("10.0.0.1");
        assertThat(host.read(ROOT + "/ports/4420/addr_trsvcid")).contains("4420");
        assertThat(host.read(ROOT + "/ports/4420/addr_trtype")).contains("tcp");
        assertThat(host.isLink(ROOT + "/ports/4420/subsystems/" + nqn("pvc-1"))).isTrue();
        assertThat(volume.volumeContext()).containsEntry("nqn", nqn("pvc-1")).containsEntry("transport", "tcp")
                .containsEntry("transportAddress", "10.0.0.1").containsEntry("transportPort", "4420")
                .containsEntry("nsid", "1").containsEntry("fastIoFailTmo", "5").containsEntry("ctrlLossTmo", "600")
                .containsEntry("reconnectDelay", "2").containsEntry("keepAliveTmo", "5").containsEntry("fsType", "ext4");
        assertThat(backend.get(new VolumeId("pvc-1"))).contains(volume);
        assertThat(backend.health(new VolumeId("pvc-1")).abnormal()).isFalse();
    }

    @Test
    void eachVolumeGetsItsOwnPortAndTheChosenAddress() {
        create("a");
        VolumeParameters second = VolumeParameters.parse(Map.of("transportAddress", "10.0.1.1"));
        BackendVolume b = backend.create(new VolumeSpec(new VolumeId("b"), "b", 8 * MIB, second, VolumeSource.NONE));
        assertThat(b.volumeContext()).containsEntry("transportPort", "4421").containsEntry("transportAddress", "10.0.1.1");
        assertThat(backend.list()).extracting(v -> v.id().value()).containsExactly("a", "b");
    }

    @Test
    void anAddressTheTargetDoesNotExportOnIsRefusedNamingTheParameter() {
        VolumeParameters elsewhere = VolumeParameters.parse(Map.of("transportAddress", "192.0.2.7"));
        assertThatThrownBy(() -> backend.create(new VolumeSpec(new VolumeId("x"), "x", MIB, elsewhere, VolumeSource.NONE)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("transportAddress").hasMessageContaining("192.0.2.7");
        assertThat(host.list(ROOT + "/subsystems")).isEmpty();
    }

    @Test
    void repeatingACreateReturnsTheVolumeAndADifferentRequestIsAlreadyExists() {
        BackendVolume first = create("v");
        assertThat(create("v")).isEqualTo(first);
        assertThatThrownBy(() -> backend.create(spec("v", 128 * MIB))).isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("67108864").hasMessageContaining("134217728");
        VolumeParameters other = VolumeParameters.parse(Map.of("fastIoFailTmo", "9"));
        assertThatThrownBy(() -> backend.create(new VolumeSpec(new VolumeId("v"), "name-v", 64 * MIB, other, VolumeSource.NONE)))
                .isInstanceOf(AlreadyExistsException.class).hasMessageContaining("fastIoFailTmo");
    }

    @Test
    void aCreateThatFailsHalfWayIsFinishedByItsRetryOnTheSamePort() {
        for (String failure : List.of("write " + ROOT + "/subsystems/" + nqn("v") + "/namespaces/1/enable 1",
                "symlink " + ROOT + "/ports/4420/subsystems/", "run truncate", "writeFile " + DIR + "/volumes/v.properties")) {
            FakeNvmetHost fresh = new FakeNvmetHost();
            NvmetBackend b = new NvmetBackend(fresh, new NvmetSettings(DIR, List.of("10.0.0.1"), 4420, 4429, false,
                    Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(3)), clock, new SimpleMeterRegistry());
            fresh.failNext(failure);
            assertThatThrownBy(() -> b.create(spec("v", 64 * MIB))).as(failure).isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("injected failure");
            assertThat(b.get(new VolumeId("v"))).as("half-created volume is not listed: " + failure).isEmpty();

            BackendVolume done = b.create(spec("v", 64 * MIB));
            assertThat(done.volumeContext()).as(failure).containsEntry("transportPort", "4420");
            assertThat(fresh.list(ROOT + "/subsystems")).as(failure).containsExactly(nqn("v"));
            assertThat(fresh.list(ROOT + "/ports")).as(failure).containsExactly("4420");
            assertThat(fresh.read(ROOT + "/subsystems/" + nqn("v") + "/namespaces/1/enable")).as(failure).contains("1");
        }
    }

    @Test
    void aPortAnotherProgramListensOnIsSkipped() {
        host.busyPorts.add(4420);
        BackendVolume volume = create("v");
        assertThat(volume.volumeContext()).containsEntry("transportPort", "4421");
        assertThat(host.list(ROOT + "/ports")).containsExactly("4421");
    }

    @Test
    void tooLargeIsResourceExhaustedAndLeavesNothingBehind() {
        host.freeBytes = 10 * MIB;
        assertThatThrownBy(() -> create("big")).isInstanceOf(ResourceExhaustedException.class).hasMessageContaining("10485760");
        assertThat(host.readFiles(DIR + "/volumes", ".properties")).isEmpty();
        assertThat(host.list(ROOT + "/subsystems")).isEmpty();
    }

    @Test
    void runningOutOfPortsIsResourceExhausted() {
        for (int i = 0; i < 10; i++) {
            create("v" + i);
        }
        assertThatThrownBy(() -> create("v10")).isInstanceOf(ResourceExhaustedException.class).hasMessageContaining("4420-4429");
    }

    @Test
    void deleteRemovesPortSubsystemFileAndRecordAndIsIdempotent() {
        create("v");
        backend.grantHost(new VolumeId("v"), HOST_A);
        host.connect(HOST_A.value(), nqn("v"), 4420);

        backend.delete(new VolumeId("v"));

        assertThat(host.list(ROOT + "/subsystems")).isEmpty();
        assertThat(host.list(ROOT + "/ports")).isEmpty();
        assertThat(host.connections).isEmpty();
        assertThat(host.size(DIR + "/volumes/v.img")).isEqualTo(-1);
        assertThat(backend.get(new VolumeId("v"))).isEmpty();
        backend.delete(new VolumeId("v"));
        backend.delete(new VolumeId("never-existed"));
    }

    @Test
    void aDeleteThatFailsHalfWayHidesTheVolumeAndItsRetryFinishes() {
        create("v");
        host.failNext("rmdir " + ROOT + "/subsystems/");
        assertThatThrownBy(() -> backend.delete(new VolumeId("v"))).isInstanceOf(UnavailableException.class);
        assertThat(backend.get(new VolumeId("v"))).isEmpty();
        assertThat(backend.list()).isEmpty();

        backend.delete(new VolumeId("v"));
        assertThat(host.list(ROOT + "/subsystems")).isEmpty();
        assertThat(host.readFiles(DIR + "/volumes", ".properties")).isEmpty();
    }

    @Test
    void grantLinksTheHostAndOnlyGrantedHostsCanConnect() {
        create("v");
        backend.grantHost(new VolumeId("v"), HOST_A);
        backend.grantHost(new VolumeId("v"), HOST_A);
        assertThat(host.list(ROOT + "/subsystems/" + nqn("v") + "/allowed_hosts")).containsExactly(HOST_A.value());
        assertThat(host.connect(HOST_A.value(), nqn("v"), 4420)).isTrue();
        assertThat(host.connect(HOST_B.value(), nqn("v"), 4420)).isFalse();
        assertThatThrownBy(() -> backend.grantHost(new VolumeId("nope"), HOST_A)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void revokeUnlinksFirstThenCutsTheVolumesConnectionsAndLeavesOtherVolumesAlone() {
        create("v");
        create("w");
        backend.grantHost(new VolumeId("v"), HOST_A);
        backend.grantHost(new VolumeId("w"), HOST_B);
        host.connect(HOST_A.value(), nqn("v"), 4420);
        host.connect(HOST_B.value(), nqn("w"), 4421);

        backend.revokeHost(new VolumeId("v"), HOST_A);

        assertThat(host.connectionsOf(HOST_A.value())).isEmpty();
        assertThat(host.connectionsOf(HOST_B.value())).hasSize(2);
        assertThat(host.list(ROOT + "/subsystems/" + nqn("v") + "/allowed_hosts")).isEmpty();
        int unlink = host.log.indexOf("remove " + ROOT + "/subsystems/" + nqn("v") + "/allowed_hosts/" + HOST_A.value());
        int cut = indexOf(host.log, "run ss -K");
        assertThat(unlink).isNotNegative().isLessThan(cut);
        assertThat(host.connect(HOST_A.value(), nqn("v"), 4420)).as("revoked host reconnects").isFalse();
        String fence = host.contentOf(DIR + "/fences/v.properties");
        assertThat(fence).contains("connectionsCut=2").contains("mechanism=ss -K").contains("cut=true");
        assertThat(registry.counter("tether_backend_host_cuts_total", "result", "ok").count()).isEqualTo(1);
    }

    static int indexOf(List<String> log, String prefix) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aCutHostIsNotGrantedAgainUntilItsQueuedWritesAreProvablyGone() {
        create("v");
        backend.grantHost(new VolumeId("v"), HOST_A);
        host.connect(HOST_A.value(), nqn("v"), 4420);
        backend.revokeHost(new VolumeId("v"), HOST_A);

        // Window: 2 x keepAliveTmo 5 s + fastIoFailTmo 5 s + margin 3 s = 18 s.
        clock.advance(Duration.ofSeconds(17));
        assertThatThrownBy(() -> backend.grantHost(new VolumeId("v"), HOST_A)).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("retry after 2026-12-01T10:00:18Z").hasMessageContaining("in 1 s");
        assertThat(host.list(ROOT + "/subsystems/" + nqn("v") + "/allowed_hosts")).isEmpty();

        // A restarted controller reads the fence from the target.
        backend = newBackend();
        assertThatThrownBy(() -> backend.grantHost(new VolumeId("v"), HOST_A)).isInstanceOf(UnavailableException.class);

        // Another host may have the volume meanwhile.
        backend.grantHost(new VolumeId("v"), HOST_B);

        clock.advance(Duration.ofSeconds(2));
        backend.grantHost(new VolumeId("v"), HOST_A);
        assertThat(host.list(ROOT + "/subsystems/" + nqn("v") + "/allowed_hosts")).contains(HOST_A.value());
        assertThat(host.exists(DIR + "/fences/v.properties")).isFalse();
    }

    @Test
    void theFenceWindowFollowsTheVolumesOwnTimeouts() {
        VolumeParameters quick = VolumeParameters.parse(Map.of("fastIoFailTmo", "0", "keepAliveTmo", "1", "ctrlLossTmo", "-1"));
        backend.create(new VolumeSpec(new VolumeId("q"), "q", MIB, quick, VolumeSource.NONE));
        backend.grantHost(new VolumeId("q"), HOST_A);
        backend.revokeHost(new VolumeId("q"), HOST_A);
        clock.advance(Duration.ofSeconds(4));
        assertThatThrownBy(() -> backend.grantHost(new VolumeId("q"), HOST_A)).isInstanceOf(UnavailableException.class);
        clock.advance(Duration.ofSeconds(2));
        backend.grantHost(new VolumeId("q"), HOST_A);
    }

    @Test
    void withoutSockDestroyTheCutFallsBackToAPortRelink() {
        host.sockDestroy = false;
        create("v");
        backend.grantHost(new VolumeId("v"), HOST_A);
        backend.grantHost(new VolumeId("v"), HOST_B);
        host.connect(HOST_A.value(), nqn("v"), 4420);
        host.connect(HOST_B.value(), nqn("v"), 4420);

        backend.revokeHost(new VolumeId("v"), HOST_A);

        assertThat(host.connectionsOf(HOST_A.value())).isEmpty();
        assertThat(host.isLink(ROOT + "/ports/4420/subsystems/" + nqn("v"))).as("relinked").isTrue();
        assertThat(host.connect(HOST_B.value(), nqn("v"), 4420)).as("still-allowed host reconnects").isTrue();
        assertThat(host.contentOf(DIR + "/fences/v.properties")).contains("port relink").contains("connectionsCut=4");
    }

    @Test
    void revokeIsIdempotentAndDoesNotCutTheRemainingHostAgain() {
        create("v");
        backend.grantHost(new VolumeId("v"), HOST_A);
        backend.grantHost(new VolumeId("v"), HOST_B);
        backend.revokeHost(new VolumeId("v"), HOST_A);
        host.connect(HOST_B.value(), nqn("v"), 4420);

        backend.revokeHost(new VolumeId("v"), HOST_A);
        backend.revokeHost(new VolumeId("gone"), HOST_A);

        assertThat(host.connectionsOf(HOST_B.value())).hasSize(2);
    }

    @Test
    void aRevokeInterruptedBeforeItsCutIsFinishedBeforeAnotherHostGetsIn() {
        create("v");
        backend.grantHost(new VolumeId("v"), HOST_A);
        host.connect(HOST_A.value(), nqn("v"), 4420);
        host.failNext("run ss -K");
        assertThatThrownBy(() -> backend.revokeHost(new VolumeId("v"), HOST_A)).isInstanceOf(UnavailableException.class);
        assertThat(host.connectionsOf(HOST_A.value())).as("cut did not happen yet").hasSize(2);
        assertThat(host.contentOf(DIR + "/fences/v.properties")).contains("cut=false");

        backend = newBackend();
        backend.grantHost(new VolumeId("v"), HOST_B);

        assertThat(host.connectionsOf(HOST_A.value())).isEmpty();
        assertThat(host.contentOf(DIR + "/fences/v.properties")).contains("cut=true");
        assertThatThrownBy(() -> backend.grantHost(new VolumeId("v"), HOST_A)).isInstanceOf(UnavailableException.class);
    }

    @Test
    void aRetriedRevokeAfterTheUnlinkStillCuts() {
        create("v");
        backend.grantHost(new VolumeId("v"), HOST_A);
        host.connect(HOST_A.value(), nqn("v"), 4420);
        host.failNext("run ss -H");
        assertThatThrownBy(() -> backend.revokeHost(new VolumeId("v"), HOST_A)).isInstanceOf(UnavailableException.class);
        assertThat(host.list(ROOT + "/subsystems/" + nqn("v") + "/allowed_hosts")).isEmpty();

        backend.revokeHost(new VolumeId("v"), HOST_A);
        assertThat(host.connectionsOf(HOST_A.value())).isEmpty();
    }

    @Test
    void expandGrowsTheFileAndTellsTheTargetNeverShrinks() {
        create("v");
        BackendVolume grown = backend.expand(new VolumeId("v"), 256 * MIB);
        assertThat(grown.capacityBytes()).isEqualTo(256 * MIB);
        assertThat(host.size(DIR + "/volumes/v.img")).isEqualTo(256 * MIB);
        assertThat(host.log).contains("write " + ROOT + "/subsystems/" + nqn("v") + "/namespaces/1/revalidate_size 1");
        assertThat(backend.expand(new VolumeId("v"), 128 * MIB).capacityBytes()).isEqualTo(256 * MIB);
        assertThat(backend.get(new VolumeId("v")).orElseThrow().capacityBytes()).isEqualTo(256 * MIB);
        host.freeBytes = MIB;
        assertThatThrownBy(() -> backend.expand(new VolumeId("v"), 512 * MIB)).isInstanceOf(ResourceExhaustedException.class);
    }

    @Test
    void snapshotsAndClonesCopyTheBackingFile() {
        create("v");
        host.putData(DIR + "/volumes/v.img", "blocks of v");
        BackendSnapshot snap = backend.createSnapshot(new SnapshotId("s1"), "s1", new VolumeId("v"), true);
        assertThat(snap.sizeBytes()).isEqualTo(64 * MIB);
        assertThat(backend.createSnapshot(new SnapshotId("s1"), "s1", new VolumeId("v"), true)).isEqualTo(snap);
        create("w");
        assertThatThrownBy(() -> backend.createSnapshot(new SnapshotId("s1"), "s1", new VolumeId("w"), false))
                .isInstanceOf(AlreadyExistsException.class);

        BackendVolume restored = backend.create(new VolumeSpec(new VolumeId("r"), "r", 128 * MIB, VolumeParameters.DEFAULTS,
                VolumeSource.snapshot(new SnapshotId("s1"))));
        assertThat(host.contentOf(DIR + "/volumes/r.img")).isEqualTo("blocks of v");
        assertThat(host.size(DIR + "/volumes/r.img")).isEqualTo(128 * MIB);
        assertThat(restored.source()).isEqualTo(VolumeSource.snapshot(new SnapshotId("s1")));

        backend.create(new VolumeSpec(new VolumeId("c"), "c", 64 * MIB, VolumeParameters.DEFAULTS, VolumeSource.volume(new VolumeId("v"))));
        assertThat(host.contentOf(DIR + "/volumes/c.img")).isEqualTo("blocks of v");

        backend.deleteSnapshot(new SnapshotId("s1"));
        backend.deleteSnapshot(new SnapshotId("s1"));
        assertThat(backend.listSnapshots()).isEmpty();
        assertThat(host.size(DIR + "/snapshots/s1.img")).isEqualTo(-1);
    }

    @Test
    void withoutReflinkAVolumeInUseIsNotCopiedInconsistently() {
        host.reflink = false;
        create("v");
        assertThatThrownBy(() -> backend.createSnapshot(new SnapshotId("s"), "s", new VolumeId("v"), true))
                .isInstanceOf(FailedPreconditionException.class).hasMessageContaining("reflink");
        backend.grantHost(new VolumeId("v"), HOST_A);
        host.connect(HOST_A.value(), nqn("v"), 4420);
        assertThatThrownBy(() -> backend.createSnapshot(new SnapshotId("s"), "s", new VolumeId("v"), false))
                .as("connected at the target though not published").isInstanceOf(FailedPreconditionException.class);
        backend.revokeHost(new VolumeId("v"), HOST_A);
        assertThat(backend.createSnapshot(new SnapshotId("s"), "s", new VolumeId("v"), false).sizeBytes()).isEqualTo(64 * MIB);
    }

    @Test
    void healthNamesWhatIsMissingAtTheTarget() {
        create("v");
        host.remove(ROOT + "/ports/4420/subsystems/" + nqn("v"));
        assertThat(backend.health(new VolumeId("v")).message()).contains("not linked to its port 4420");
        host.remove(DIR + "/volumes/v.img");
        assertThat(backend.health(new VolumeId("v"))).matches(h -> h.abnormal() && h.message().contains("backing file"));
    }

    @Test
    void healthProblemReportsMissingConfigfsAndBackingDir() {
        assertThat(backend.healthProblem()).hasValueSatisfying(p -> assertThat(p).contains("/srv/tether"));
        host.run(List.of("mkdir", "-p", "--", DIR), Duration.ofSeconds(1));
        assertThat(backend.healthProblem()).isEmpty();
        host.configfsLoaded = false;
        assertThat(backend.healthProblem()).hasValueSatisfying(p -> assertThat(p).contains("nvmet configfs is missing"));
    }

    @Test
    void orphansAreReportedNeverDeleted() {
        create("v");
        host.mkdir(ROOT + "/subsystems/" + nqn("stray"));
        host.run(List.of("truncate", "-s", "1", "--", DIR + "/volumes/lost.img"), Duration.ofSeconds(1));
        host.failNext("symlink " + ROOT + "/ports/");
        assertThatThrownBy(() -> create("half")).isInstanceOf(UnavailableException.class);
        OrphanReport report = new OrphanReport(backend, clock, registry);

        assertThat(report.find()).hasSize(2);
        clock.advance(Duration.ofMinutes(11));
        List<String> orphans = report.find();

        assertThat(orphans).hasSize(3).anyMatch(o -> o.contains("stray")).anyMatch(o -> o.contains("lost.img"))
                .anyMatch(o -> o.contains("half") && o.contains("CREATING"));
        assertThat(registry.get("tether_backend_orphans").gauge().value()).isEqualTo(3);
        assertThat(host.list(ROOT + "/subsystems")).contains(nqn("stray"));
        assertThat(host.size(DIR + "/volumes/lost.img")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ restore after a target reboot

    static final String FILE_V = DIR + "/volumes/v.img";

    /** Everything the backend changed on the target after {@code from} in the fake's log (reads are not logged). */
    List<String> changesSince(int from) {
        return host.log.subList(from, host.log.size()).stream()
                .filter(step -> !step.startsWith("run stat") && !step.startsWith("run test") && !step.startsWith("run df")).toList();
    }

    @Test
    void aRebootedTargetGetsTheVolumeReexportedOverItsExistingFileOnItsOwnPort() {
        create("v");
        host.putData(FILE_V, "the pods' data");
        backend.grantHost(new VolumeId("v"), HOST_A);
        String uuid = host.read(ROOT + "/subsystems/" + nqn("v") + "/namespaces/1/device_uuid").orElseThrow();
        host.rebootTarget();
        assertThat(backend.health(new VolumeId("v")).message()).contains("not configured on the target");
        assertThatThrownBy(() -> backend.grantHost(new VolumeId("v"), HOST_A)).as("nvmet cannot grant without the subsystem")
                .isInstanceOf(UnavailableException.class);
        int before = host.log.size();

        ExportRestore result = backend.restoreExport(new VolumeId("v"));

        assertThat(result.outcome()).isEqualTo(ExportRestore.Outcome.RESTORED);
        assertThat(result.detail()).contains("subsystem, namespace, port link").contains("10.0.0.1:4420").contains(FILE_V);
        String sub = ROOT + "/subsystems/" + nqn("v");
        assertThat(host.read(sub + "/attr_allow_any_host")).contains("0");
        assertThat(host.read(sub + "/namespaces/1/device_path")).contains(FILE_V);
        assertThat(host.read(sub + "/namespaces/1/enable")).contains("1");
        assertThat(host.read(sub + "/namespaces/1/device_uuid")).as("the same disk to a reconnecting host").contains(uuid);
        assertThat(host.read(ROOT + "/ports/4420/addr_traddr")).contains("10.0.0.1");
        assertThat(host.isLink(ROOT + "/ports/4420/subsystems/" + nqn("v"))).isTrue();
        assertThat(host.contentOf(FILE_V)).isEqualTo("the pods' data");
        assertThat(host.size(FILE_V)).isEqualTo(64 * MIB);
        assertThat(changesSince(before)).noneMatch(step -> step.startsWith("run truncate") || step.startsWith("run cp")
                || step.startsWith("run rm") || step.startsWith("writeFile"));
        assertThat(host.list(sub + "/allowed_hosts")).as("grants are the caller's to redo").isEmpty();
        assertThat(backend.health(new VolumeId("v")).abnormal()).isFalse();

        backend.grantHost(new VolumeId("v"), HOST_A);
        assertThat(host.connect(HOST_A.value(), nqn("v"), 4420)).isTrue();
        assertThat(host.connect(HOST_B.value(), nqn("v"), 4420)).isFalse();
    }

    @Test
    void aPartialExportIsCompletedWithoutRedoingWhatIsThere() {
        create("v");
        backend.grantHost(new VolumeId("v"), HOST_A);
        host.remove(ROOT + "/ports/4420/subsystems/" + nqn("v"));
        int before = host.log.size();

        ExportRestore result = backend.restoreExport(new VolumeId("v"));

        assertThat(result.outcome()).isEqualTo(ExportRestore.Outcome.RESTORED);
        assertThat(result.detail()).startsWith("recreated port link of");
        assertThat(changesSince(before)).containsExactly("symlink " + ROOT + "/ports/4420/subsystems/" + nqn("v"));
        assertThat(host.list(ROOT + "/subsystems/" + nqn("v") + "/allowed_hosts")).containsExactly(HOST_A.value());

        host.writeAttribute(ROOT + "/subsystems/" + nqn("v") + "/namespaces/1/enable", "0");
        assertThat(backend.restoreExport(new VolumeId("v")).detail()).startsWith("recreated namespace of");
        assertThat(host.read(ROOT + "/subsystems/" + nqn("v") + "/namespaces/1/enable")).contains("1");
    }

    @Test
    void aMissingOrShortBackingFileIsNeverExportedAndTheReasonIsGiven() {
        create("v");
        host.rebootTarget();
        host.run(List.of("rm", "-f", "--", FILE_V), Duration.ofSeconds(1));
        int before = host.log.size();

        ExportRestore missing = backend.restoreExport(new VolumeId("v"));

        assertThat(missing.outcome()).isEqualTo(ExportRestore.Outcome.REFUSED);
        assertThat(missing.detail()).contains(FILE_V).contains("missing").contains(DIR);
        assertThat(changesSince(before)).isEmpty();
        assertThat(host.size(FILE_V)).as("no file was created").isEqualTo(-1);
        assertThat(host.list(ROOT + "/subsystems")).isEmpty();
        assertThat(host.list(ROOT + "/ports")).isEmpty();
        assertThat(backend.health(new VolumeId("v")).abnormal()).isTrue();

        host.run(List.of("truncate", "-s", Long.toString(MIB), "--", FILE_V), Duration.ofSeconds(1));
        before = host.log.size();
        ExportRestore shorter = backend.restoreExport(new VolumeId("v"));

        assertThat(shorter.outcome()).isEqualTo(ExportRestore.Outcome.REFUSED);
        assertThat(shorter.detail()).contains(Long.toString(MIB)).contains(Long.toString(64 * MIB));
        assertThat(changesSince(before)).isEmpty();
        assertThat(host.size(FILE_V)).as("not grown").isEqualTo(MIB);
        assertThat(host.list(ROOT + "/subsystems")).isEmpty();
    }

    @Test
    void aFullyExportedVolumeIsLeftUntouched() {
        create("v");
        backend.grantHost(new VolumeId("v"), HOST_A);
        int before = host.log.size();

        assertThat(backend.restoreExport(new VolumeId("v")).outcome()).isEqualTo(ExportRestore.Outcome.UNCHANGED);

        assertThat(changesSince(before)).isEmpty();
        assertThat(host.list(ROOT + "/subsystems/" + nqn("v") + "/allowed_hosts")).containsExactly(HOST_A.value());
    }

    @Test
    void anUnknownOrDeletedVolumeIsNotFoundAndNothingIsExported() {
        create("v");
        backend.delete(new VolumeId("v"));
        assertThatThrownBy(() -> backend.restoreExport(new VolumeId("v"))).isInstanceOf(NotFoundException.class);
        assertThat(host.list(ROOT + "/subsystems")).isEmpty();
    }
}
