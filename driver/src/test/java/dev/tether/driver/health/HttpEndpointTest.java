package dev.tether.driver.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HttpEndpointTest {

    @Test
    void servesMetricsHealthAndReadinessWithReasons() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("tether.test.things").increment(3);
        AtomicReference<Optional<String>> backend = new AtomicReference<>(Optional.of("storage target unreachable"));
        Readiness readiness = new Readiness().add("backend", backend::get);
        try (HttpEndpoint http = HttpEndpoint.start(new InetSocketAddress("127.0.0.1", 0), registry, readiness)) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + http.port();
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("tether_test_things_total 3.0");
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            HttpResponse<String> notReady = client.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("backend: storage target unreachable");
            backend.set(Optional.empty());
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aThrowingCheckCountsAsNotReady() {
        Readiness readiness = new Readiness().add("flaky", () -> {
            throw new IllegalStateException("api down");
        });
        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.problems()).singleElement().asString().contains("flaky").contains("api down");
    }
}
