package dev.tether.driver.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clients {@link KubernetesClients} builds give up on a failing API after {@link ApiCallBudget#RETRIES} retries,
 * counted at a real socket (fabric8's defaults would try 11 times), for reads and for writes alike.
 */
class ApiCallBudgetTest {
    @TempDir
    Path dir;

    private KubernetesClient fromKubeconfig(StubApiServer api) throws Exception {
        return KubernetesClients.fromFlag(api.writeKubeconfig(dir.resolve("kubeconfig")).toString()).orElseThrow();
    }

    @Test
    void aGetAnswered503IsTriedOncePlusTheRetriesThenFailsWithTheServersReason() throws Exception {
        try (StubApiServer api = new StubApiServer(StubApiServer.Mode.ANSWER_503); KubernetesClient client = fromKubeconfig(api)) {
            KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
                    () -> client.nodes().withName("node-a").get());
            assertThat(e).isNotNull();
            assertThat(e.getCode()).isEqualTo(503);
            assertThat(e.getMessage()).contains("the API server is unavailable");
            assertThat(api.requests()).hasSize(1 + ApiCallBudget.RETRIES)
                    .allSatisfy(r -> assertThat(r).startsWith("GET /api/v1/nodes/node-a "));
        }
    }

    @Test
    void aPatchIsRetriedToo() throws Exception {
        // fabric8 does not look at the verb: a PATCH that may have been applied is sent again. Tether's attachment
        // writes carry the resourceVersion they were computed from, so a repeated one is a 409, never a double write.
        try (StubApiServer api = new StubApiServer(StubApiServer.Mode.ANSWER_503_TO_WRITES);
                KubernetesClient client = fromKubeconfig(api)) {
            KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
                    () -> client.nodes().withName("node-a").patch(PatchContext.of(PatchType.JSON),
                            "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"a\":\"b\"}}]"));
            assertThat(e).isNotNull();
            assertThat(e.getCode()).isEqualTo(503);
            // fabric8 reads the object once before it patches (that read succeeds here), then tries the PATCH
            assertThat(api.requests()).filteredOn(r -> r.startsWith("PATCH /api/v1/nodes/node-a "))
                    .hasSize(1 + ApiCallBudget.RETRIES);
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOutOnEachTryAndTheCallFails() throws Exception {
        try (StubApiServer api = new StubApiServer(StubApiServer.Mode.NEVER_ANSWER); KubernetesClient client = fromKubeconfig(api)) {
            KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
                    () -> client.nodes().withName("node-a").get());
            assertThat(e).isNotNull();
            assertThat(e).hasRootCauseInstanceOf(HttpTimeoutException.class);
            assertThat(api.requests()).hasSize(1 + ApiCallBudget.RETRIES);
        }
    }

    @Test
    void theInClusterPathGetsTheSameBudget() throws Exception {
        // Without a kubeconfig flag fabric8 discovers the API (service account, KUBECONFIG, ~/.kube/config, system
        // properties); point that discovery at the stub through its system properties.
        Map<String, String> properties = Map.of("kubernetes.master", "", "kubernetes.auth.tryKubeConfig", "false",
                "kubernetes.auth.tryServiceAccount", "false", "kubernetes.request.retry.backoffLimit", "10");
        try (StubApiServer api = new StubApiServer(StubApiServer.Mode.ANSWER_503)) {
            Map<String, String> saved = new java.util.HashMap<>();
            properties.forEach((k, v) -> saved.put(k, System.getProperty(k)));
            properties.forEach((k, v) -> System.setProperty(k, k.equals("kubernetes.master") ? api.url() : v));
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(KubernetesClients.config("")).build()) {
                assertThat(client.getMasterUrl().toString()).startsWith(api.url());
                KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
                        () -> client.nodes().withName("node-a").get());
                assertThat(e).isNotNull();
                assertThat(e.getCode()).isEqualTo(503);
                // the budget wins over fabric8's own setting (here 10 retries from a system property)
                assertThat(api.requests()).hasSize(1 + ApiCallBudget.RETRIES);
            } finally {
                saved.forEach((k, v) -> {
                    if (v == null) {
                        System.clearProperty(k);
                    } else {
                        System.setProperty(k, v);
                    }
                });
            }
        }
    }

    @Test
    void aFailedCallIsBoundedWellInsideCsiAttachersDefaultTimeout() {
        // Arithmetic over the constants, so raising one of them shows up here and in the docs that quote it.
        assertThat(ApiCallBudget.worstFailedCall()).isEqualTo(java.time.Duration.ofMillis(4250));
    }
}
