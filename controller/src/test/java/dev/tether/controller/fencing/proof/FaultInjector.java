package dev.tether.controller.fencing.proof;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sits in front of the mock API server's CRUD dispatcher and makes the API misbehave the way a real one does under
 * load or during an upgrade: 500s before the change, 500s after the change was applied (the client cannot tell),
 * 409 conflicts on writes, answers delayed past the client's timeout (applied, but the client gives up), and outage
 * windows in which every call fails. Draws come from one seeded {@link Random}, so a seed fixes the fault sequence;
 * which request gets which draw still depends on thread timing.
 *
 * <p>Requests whose User-Agent contains {@link #EXEMPT_AGENT} pass untouched: that is the test harness playing
 * kube-controller-manager and the external-attacher, whose own view of the API must stay exact.
 */
public final class FaultInjector extends Dispatcher {
    public static final String EXEMPT_AGENT = "tether-proof-harness";

    public enum Fault { NONE, ERROR_500, APPLIED_THEN_500, CONFLICT_409, SLOW, OUTAGE }

    /** Probabilities per request; the rest pass. {@code slow} answers arrive after {@code slowDelay}. */
    public record Rates(double error500, double appliedThen500, double conflict409, double slow, Duration slowDelay) {
        public static final Rates NONE = new Rates(0, 0, 0, 0, Duration.ZERO);
    }

    private final Dispatcher inner;
    private final Random random;
    private final Map<Fault, AtomicLong> counts = new EnumMap<>(Fault.class);
    private volatile Rates rates = Rates.NONE;
    private volatile long outageUntil;
    private volatile java.util.function.Predicate<RecordedRequest> refused = r -> false;
    private volatile Duration refusalDelay = Duration.ZERO;
    private final java.util.List<Map.Entry<java.util.function.Predicate<RecordedRequest>, java.util.concurrent.CountDownLatch>> awaited =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public FaultInjector(Dispatcher inner, long seed) {
        this.inner = inner;
        this.random = new Random(seed);
        for (Fault fault : Fault.values()) {
            counts.put(fault, new AtomicLong());
        }
    }

    public void rates(Rates rates) {
        this.rates = rates;
    }

    /** Every faultable request fails with 503 for {@code length} from now. */
    public void outage(Duration length) {
        outageUntil = System.nanoTime() + length.toNanos();
    }

    /** A latch released when a faultable request matching {@code which} arrives (before it is answered). */
    public java.util.concurrent.CountDownLatch awaitRequest(java.util.function.Predicate<RecordedRequest> which) {
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
        awaited.add(Map.entry(which, latch));
        return latch;
    }

    /** Answers 503 to every faultable request matching {@code which} until called again with another predicate. */
    public void refuse(java.util.function.Predicate<RecordedRequest> which) {
        stall(which, Duration.ZERO);
    }

    /**
     * Like {@link #refuse}, but each 503 leaves only after {@code delay}: with a delay past the client's request
     * timeout, an API server that accepted the request and hangs.
     */
    public void stall(java.util.function.Predicate<RecordedRequest> which, Duration delay) {
        refusalDelay = delay;
        refused = which;
    }

    public void endOutage() {
        outageUntil = 0;
    }

    public long count(Fault fault) {
        return counts.get(fault).get();
    }

    public Map<Fault, Long> counts() {
        Map<Fault, Long> copy = new EnumMap<>(Fault.class);
        counts.forEach((fault, n) -> copy.put(fault, n.get()));
        return copy;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String agent = header(request, "User-Agent");
        if (agent != null && agent.contains(EXEMPT_AGENT)) {
            return inner.dispatch(request);
        }
        awaited.forEach(e -> {
            if (e.getKey().test(request)) {
                e.getValue().countDown();
            }
        });
        boolean watch = request.getPath() != null && request.getPath().contains("watch=true");
        boolean refuse = refused.test(request);
        Fault fault = System.nanoTime() < outageUntil || refuse ? Fault.OUTAGE
                : watch ? Fault.NONE : draw(isWrite(request));
        counts.get(fault).incrementAndGet();
        return switch (fault) {
            case NONE -> inner.dispatch(request);
            case OUTAGE -> refuse && !refusalDelay.isZero()
                    // sent from a timer, like SLOW: the event loop stays free for other requests
                    ? status(503, "ServiceUnavailable", "injected outage").setBodyDelay(refusalDelay)
                    : status(503, "ServiceUnavailable", "injected outage");
            case ERROR_500 -> status(500, "InternalError", "injected error before the change");
            case CONFLICT_409 -> status(409, "Conflict", "injected conflict: the object has been modified; "
                    + "please apply your changes to the latest version and try again");
            case APPLIED_THEN_500 -> {
                inner.dispatch(request);
                yield status(500, "InternalError", "injected error after the change was applied");
            }
            case SLOW -> {
                MockResponse response = inner.dispatch(request);
                // The body is sent late from a timer: the event loop stays free for other requests.
                yield response.setBodyDelay(rates.slowDelay());
            }
        };
    }

    private Fault draw(boolean write) {
        Rates r = rates;
        double x;
        synchronized (random) {
            x = random.nextDouble();
        }
        if ((x -= r.error500()) < 0) {
            return Fault.ERROR_500;
        }
        if (write && (x -= r.appliedThen500()) < 0) {
            return Fault.APPLIED_THEN_500;
        }
        if (write && (x -= r.conflict409()) < 0) {
            return Fault.CONFLICT_409;
        }
        if ((x -= r.slow()) < 0) {
            return Fault.SLOW;
        }
        return Fault.NONE;
    }

    private static boolean isWrite(RecordedRequest request) {
        String method = request.getMethod() == null ? "" : request.getMethod().toUpperCase(Locale.ROOT);
        return !method.equals("GET") && !method.equals("HEAD");
    }

    private static String header(RecordedRequest request, String name) {
        if (request.getHeaders() == null) {
            return null;
        }
        return request.getHeaders().toMultimap().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    private static MockResponse status(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
                        + message + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}");
    }

    @Override
    public void shutdown() {
        inner.shutdown();
    }
}
