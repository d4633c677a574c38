package dev.tether.driver.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {
    @Test
    void anAnswerIsItsStatusAndACallWithoutOneNamesTheWrappedCause() {
        assertThat(ApiErrors.describe(new KubernetesClientException("Failure executing: PATCH", 503, null)))
                .isEqualTo("HTTP 503 Failure executing: PATCH");
        KubernetesClientException timedOut = new KubernetesClientException("Operation: [get] failed.",
                new CompletionException(new HttpTimeoutException("request timed out")));
        assertThat(ApiErrors.describe(timedOut)).isEqualTo("Operation: [get] failed. (HttpTimeoutException: request timed out)");
        assertThat(ApiErrors.describe(new KubernetesClientException("plain"))).isEqualTo("plain");
    }
}
