package dev.tether.controller.fencing.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.controller.fencing.proof.FaultInjector.Fault;
import dev.tether.controller.fencing.proof.FaultInjector.Rates;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each injected fault seen through a real fabric8 client, the way the controller sees it. */
class FaultInjectorTest {
    private MockCluster cluster;
    private KubernetesClient victim;

    @BeforeEach
    void start() {
        cluster = MockCluster.start(42);
        victim = client(cluster, 30_000);
    }

    /** A client as the controller has one, but without client-side retries: each call shows one injected answer. */
    private static KubernetesClient client(MockCluster cluster, int timeoutMillis) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(cluster.url()).withRequestRetryBackoffLimit(0)
                .withRequestTimeout(timeoutMillis).withNamespace("default").build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @AfterEach
    void stop() {
        victim.close();
        cluster.close();
    }

    private void create(KubernetesClient client, String name) {
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .endMetadata().withData(Map.of("k", "v")).build()).create();
    }

    private boolean exists(String name) {
        return cluster.client().configMaps().inNamespace("default").withName(name).get() != null;
    }

    @Test
    void errorBeforeTheChangeLeavesNothingBehind() {
        cluster.faults().rates(new Rates(1, 0, 0, 0, Duration.ZERO));
        assertThatThrownBy(() -> create(victim, "a")).isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(500));
        assertThat(exists("a")).isFalse();
        assertThat(cluster.faults().count(Fault.ERROR_500)).isEqualTo(1);
    }

    @Test
    void errorAfterTheChangeLeavesTheChangeInPlace() {
        cluster.faults().rates(new Rates(0, 1, 0, 0, Duration.ZERO));
        assertThatThrownBy(() -> create(victim, "b")).isInstanceOf(KubernetesClientException.class);
        assertThat(exists("b")).isTrue();
    }

    @Test
    void conflictsHitWritesOnlyAndChangeNothing() {
        cluster.faults().rates(new Rates(0, 0, 1, 0, Duration.ZERO));
        assertThatThrownBy(() -> create(victim, "c"))
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
        assertThat(exists("c")).isFalse();
        assertThat(victim.configMaps().inNamespace("default").list().getItems()).isEmpty();
    }

    @Test
    void aSlowAnswerTimesTheClientOutButTheChangeIsApplied() {
        cluster.faults().rates(new Rates(0, 0, 0, 1, Duration.ofSeconds(3)));
        try (KubernetesClient impatient = client(cluster, 500)) {
            assertThatThrownBy(() -> create(impatient, "d")).isInstanceOf(KubernetesClientException.class);
        }
        assertThat(exists("d")).isTrue();
        assertThat(cluster.faults().count(Fault.SLOW)).isEqualTo(1);
    }

    @Test
    void anOutageFailsEveryCallUntilItEnds() {
        cluster.faults().outage(Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> victim.configMaps().inNamespace("default").list())
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(503));
        }
        cluster.faults().endOutage();
        assertThat(victim.configMaps().inNamespace("default").list().getItems()).isEmpty();
    }

    @Test
    void theHarnessIsNeverFaulted() {
        cluster.faults().rates(new Rates(0.5, 0.5, 0, 0, Duration.ZERO));
        cluster.faults().outage(Duration.ofMinutes(1));
        create(cluster.client(), "e");
        assertThat(exists("e")).isTrue();
        assertThat(cluster.faults().counts().values().stream().mapToLong(Long::longValue).sum()).isZero();
    }

    @Test
    void theSameSeedDrawsTheSameFaultsForTheSameRequests() {
        assertThat(sequence(7)).isEqualTo(sequence(7)).isNotEqualTo(sequence(8));
    }

    private List<String> sequence(long seed) {
        List<String> seen = new ArrayList<>();
        try (MockCluster other = MockCluster.start(seed)) {
            other.faults().rates(new Rates(0.3, 0, 0, 0, Duration.ZERO));
            try (KubernetesClient client = client(other, 30_000)) {
                for (int i = 0; i < 30; i++) {
                    try {
                        client.configMaps().inNamespace("default").list();
                        seen.add("ok");
                    } catch (KubernetesClientException e) {
                        seen.add(String.valueOf(e.getCode()));
                    }
                }
            }
        }
        return seen;
    }
}
