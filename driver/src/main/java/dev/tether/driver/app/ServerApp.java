package dev.tether.driver.app;

import dev.tether.driver.cli.CommonOptions;
import dev.tether.driver.cli.ListenAddress;
import dev.tether.driver.grpc.CsiServer;
import dev.tether.driver.grpc.Interceptors;
import dev.tether.driver.health.HttpEndpoint;
import dev.tether.driver.health.Readiness;
import io.grpc.BindableService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a Tether server process: start the HTTP endpoint and the CSI server, then on SIGTERM stop accepting,
 * drain in-flight calls, remove the socket and run the app's own closers (newest first).
 */
public final class ServerApp {
    private static final Logger LOG = LoggerFactory.getLogger(ServerApp.class);

    private final CommonOptions options;
    private final ListenAddress metricsAddress;
    private final PrometheusMeterRegistry registry;
    private final Readiness readiness;
    private final List<AutoCloseable> closers = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile CsiServer server;
    private volatile HttpEndpoint http;

    public ServerApp(CommonOptions options, ListenAddress metricsAddress, PrometheusMeterRegistry registry, Readiness readiness) {
        this.options = options;
        this.metricsAddress = metricsAddress;
        this.registry = registry;
        this.readiness = readiness;
    }

    /** Something to close after the CSI server has drained (informers, clients, supervisors). */
    public ServerApp closeOnStop(AutoCloseable closer) {
        closers.add(closer);
        return this;
    }

    public void start(List<BindableService> services) throws IOException {
        Optional<java.net.InetSocketAddress> address = metricsAddress.address();
        if (address.isPresent()) {
            http = HttpEndpoint.start(address.get(), registry, readiness);
            LOG.info("metrics and health on http://{}:{}/metrics", address.get().getHostString(), http.port());
        }
        server = CsiServer.start(options.endpoint, services, Interceptors.standard(registry));
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "shutdown"));
    }

    /** Blocks until the process is told to stop. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public Optional<Integer> httpPort() {
        return Optional.ofNullable(http).map(HttpEndpoint::port);
    }

    public synchronized void stop() {
        if (stopped.getCount() == 0) {
            return;
        }
        LOG.info("stopping: draining in-flight calls for up to {}", options.shutdownDrain);
        if (server != null) {
            server.shutdown(options.shutdownDrain);
        }
        for (int i = closers.size() - 1; i >= 0; i--) {
            try {
                closers.get(i).close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", closers.get(i), e.toString());
            }
        }
        if (http != null) {
            http.close();
        }
        stopped.countDown();
    }
}
