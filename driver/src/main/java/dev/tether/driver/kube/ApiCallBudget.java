package dev.tether.driver.kube;

import io.fabric8.kubernetes.client.Config;
import java.time.Duration;

/**
 * How long one Kubernetes API call may take before it fails, on every client Tether builds.
 *
 * <p>fabric8 7.8.0 retries a call on HTTP 429, on any 5xx and on any IOException (refused or reset connection,
 * connect or request timeout), for every verb including PATCH and POST, waiting
 * {@code requestRetryBackoffInterval * 2^n} (n capped at 5, or longer if the server sends Retry-After) between tries.
 * Its defaults (10 retries from 100 ms, 10 s connect and request timeouts) stretch one failed call to ~19 s when the
 * API refuses or answers 503, and to about two minutes when it accepts and never answers. ControllerPublish makes its
 * API calls under the volume's lock, so every one of those seconds is also a second in which the volume answers
 * ABORTED, and csi-attacher (default --timeout 15 s) gives up before it hears the real reason.
 *
 * <p>Every caller already has an outer retry: csi-attacher retries every failed RPC with backoff, the rebuild retries
 * until it succeeds, the reconciler runs again, the leader elector renews every retry period, and watches reconnect
 * on their own schedule (watchReconnectInterval/Limit, which this class leaves alone: forever). So the client only
 * needs to ride out a one-off fault (a pooled connection the server closed, one 5xx from a restarting replica): one
 * retry, soon, and short timeouts. A failed call then costs at most
 * {@code 2 * REQUEST_TIMEOUT + RETRY_BACKOFF} = 4.25 s (plus any Retry-After the server asks for), and ~0.25 s when
 * the server refuses or answers 5xx at once.
 *
 * <p>The timeouts bound the wait for the response's status line and headers (the JDK client and fabric8's own
 * fail-safe both stop timing once headers arrive); a large LIST whose body streams slowly is not cut short.
 */
public final class ApiCallBudget {
    /** A TCP connect to the API server takes milliseconds; 2 s still covers one lost SYN (retransmitted after 1 s). */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** A healthy API server answers a GET, PATCH or filtered LIST in well under a second, even under load. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** Retries after the first attempt: one, for a stale pooled connection or a single 5xx. */
    public static final int RETRIES = 1;
    /** Wait before the retry (fabric8 doubles it for each further retry). */
    public static final Duration RETRY_BACKOFF = Duration.ofMillis(250);

    private ApiCallBudget() {
    }

    /** Overrides the retry and timeout settings of {@code config} (whatever autoconfiguration or a kubeconfig set). */
    public static Config applyTo(Config config) {
        config.setConnectionTimeout(millis(CONNECT_TIMEOUT));
        config.setRequestTimeout(millis(REQUEST_TIMEOUT));
        config.setRequestRetryBackoffLimit(RETRIES);
        config.setRequestRetryBackoffInterval(millis(RETRY_BACKOFF));
        return config;
    }

    /** The longest one failed call can take, without Retry-After: every attempt runs into its timeout. */
    public static Duration worstFailedCall() {
        Duration waits = Duration.ZERO;
        for (int retry = 0; retry < RETRIES; retry++) {
            waits = waits.plus(RETRY_BACKOFF.multipliedBy(1L << Math.min(retry, 5)));
        }
        Duration attempt = CONNECT_TIMEOUT.compareTo(REQUEST_TIMEOUT) > 0 ? CONNECT_TIMEOUT : REQUEST_TIMEOUT;
        return attempt.multipliedBy(RETRIES + 1L).plus(waits);
    }

    private static Integer millis(Duration d) {
        return Math.toIntExact(d.toMillis());
    }
}
