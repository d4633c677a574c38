package dev.tether.node.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import dev.tether.node.nvme.NvmeTarget;
import dev.tether.node.nvme.NvmeTimeouts;
import dev.tether.node.volume.ClaimRef;
import dev.tether.node.volume.StagedVolume;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events on the claim and the volume, against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubeVolumeEventsTest {
    static KubernetesClient client;
    KubeVolumeEvents events;

    @BeforeEach
    void start() {
        client.v1().events().inAnyNamespace().delete();
        client.persistentVolumeClaims().inAnyNamespace().delete();
        client.persistentVolumes().delete();
        events = new KubeVolumeEvents(client, "worker-1", Clock.fixed(Instant.parse("2026-12-06T07:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        events.close();
    }

    static StagedVolume volume(String id, Optional<ClaimRef> claim) {
        return new StagedVolume(new VolumeId(id), new NvmeTarget(new Nqn("nqn.2026-01.dev.tether:" + id), "192.0.2.10", 4421, 1,
                new NvmeTimeouts(600, 2, 5, 5)), Path.of("/var/lib/kubelet/plugins/x/" + id + "/globalmount"), false, "ext4",
                List.of(), false, "nvme0n1", claim);
    }

    PersistentVolumeClaim claim(String namespace, String name, String pv) {
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withVolumeName(pv).endSpec().build()).create();
        client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName(pv).endMetadata().build()).create();
        return pvc;
    }

    List<Event> eventsIn(String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems();
    }

    @Test
    void aBoundClaimAndItsVolumeGetTheEventWithTheirUids() throws Exception {
        String claimUid = claim("shop", "data", "pvc-1").getMetadata().getUid();
        String volumeUid = client.persistentVolumes().withName("pvc-1").get().getMetadata().getUid();

        events.post(volume("pvc-1", Optional.of(new ClaimRef("shop", "data", Optional.of("pvc-1")))), true, VolumeEvents.PATH_LOST,
                "the NVMe/TCP path to 192.0.2.10:4421 is down");
        events.drain(10_000);

        assertThat(eventsIn("shop")).singleElement().satisfies(e -> {
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("PersistentVolumeClaim");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("data");
            assertThat(e.getInvolvedObject().getNamespace()).isEqualTo("shop");
            assertThat(e.getInvolvedObject().getUid()).as("kubectl describe pvc matches on the uid").isEqualTo(claimUid);
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo("NvmePathLost");
            assertThat(e.getMessage()).isEqualTo("node worker-1, volume pvc-1: the NVMe/TCP path to 192.0.2.10:4421 is down");
            assertThat(e.getSource().getHost()).isEqualTo("worker-1");
            assertThat(e.getLastTimestamp()).isEqualTo("2026-12-06T07:00:00Z");
        });
        assertThat(eventsIn("default")).singleElement().satisfies(e -> {
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("PersistentVolume");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("pvc-1");
            assertThat(e.getInvolvedObject().getUid()).isEqualTo(volumeUid);
            assertThat(e.getReason()).isEqualTo("NvmePathLost");
        });
    }

    @Test
    void aClaimThatIsGoneOrNowBelongsToAnotherVolumeGetsNothing() throws Exception {
        claim("shop", "data", "pvc-other");
        client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("pvc-1").endMetadata().build()).create();

        events.post(volume("pvc-1", Optional.of(new ClaimRef("shop", "data", Optional.of("pvc-1")))), false,
                VolumeEvents.RECONNECTED, "back");
        events.post(volume("pvc-2", Optional.of(new ClaimRef("shop", "gone", Optional.empty()))), false,
                VolumeEvents.RECONNECTED, "back");
        events.drain(10_000);

        assertThat(eventsIn("shop")).as("neither the re-made claim nor a deleted one").isEmpty();
        assertThat(eventsIn("default")).extracting(e -> e.getInvolvedObject().getName()).containsExactly("pvc-1");
    }

    @Test
    void aVolumeWithoutAClaimIsOnlyLogged() throws Exception {
        claim("shop", "data", "pvc-1");

        events.post(volume("pvc-1", Optional.empty()), true, VolumeEvents.PATH_LOST, "down");
        events.drain(10_000);

        assertThat(client.v1().events().inAnyNamespace().list().getItems()).isEmpty();
    }
}
