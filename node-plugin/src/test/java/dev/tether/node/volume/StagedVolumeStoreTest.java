package dev.tether.node.volume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import dev.tether.node.nvme.NvmeTarget;
import dev.tether.node.nvme.NvmeTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedVolumeStoreTest {
    @TempDir
    Path state;

    static StagedVolume volume(String id, String nqn) {
        return new StagedVolume(new VolumeId(id), new NvmeTarget(new Nqn(nqn), "fd00::10", 4430, 1,
                new NvmeTimeouts(-1, 3, 7, 9)), Path.of("/var/lib/kubelet/plugins/x/" + id + "/globalmount"), false, "xfs",
                List.of("noatime", "nodiscard"), true, "nvme3n1", Optional.of(new ClaimRef("shop", "data-" + id, Optional.of(id))));
    }

    @Test
    void recordsSurviveAReopenFieldForField() throws Exception {
        StagedVolumeStore store = StagedVolumeStore.open(state);
        StagedVolume v = volume("pvc-1", "nqn.2026-01.dev.tether:pvc-1");
        store.save(v);
        store.save(volume("pvc-2", "nqn.2026-01.dev.tether:pvc-2"));
        store.delete(new VolumeId("pvc-2"));

        StagedVolumeStore again = StagedVolumeStore.open(state);

        assertThat(again.all()).containsExactly(v);
        assertThat(again.usedByOthers(new Nqn("nqn.2026-01.dev.tether:pvc-1"), new VolumeId("pvc-1"))).isFalse();
        assertThat(again.usedByOthers(new Nqn("nqn.2026-01.dev.tether:pvc-1"), new VolumeId("pvc-9"))).isTrue();
        try (var files = Files.list(state.resolve("staged"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("pvc-1.properties");
        }
    }

    @Test
    void aRecordFromBeforeClaimsWereKeptLoadsWithoutOne() throws Exception {
        StagedVolumeStore store = StagedVolumeStore.open(state);
        StagedVolume v = volume("pvc-5", "nqn.2026-01.dev.tether:pvc-5");
        store.save(v);
        Path file = state.resolve("staged/pvc-5.properties");
        Files.write(file, Files.readAllLines(file).stream().filter(l -> !l.startsWith("pvc") && !l.startsWith("pvName")).toList());

        StagedVolume loaded = StagedVolumeStore.open(state).get(new VolumeId("pvc-5")).orElseThrow();

        assertThat(loaded.claim()).isEmpty();
        assertThat(loaded.sameStaging(v)).as("the claim plays no part in staging").isTrue();
    }

    @Test
    void aLeftoverTempFileIsIgnoredAndABrokenRecordIsKeptForAnOperator() throws Exception {
        Path dir = Files.createDirectories(state.resolve("staged"));
        Files.writeString(dir.resolve("pvc-3.properties.tmp"), "volumeId=pvc-3\n");
        Files.writeString(dir.resolve("pvc-4.properties"), "volumeId=pvc-4\nnqn=not an nqn\n");

        StagedVolumeStore store = StagedVolumeStore.open(state);

        assertThat(store.all()).isEmpty();
        assertThat(dir.resolve("pvc-4.properties")).exists();
    }
}
