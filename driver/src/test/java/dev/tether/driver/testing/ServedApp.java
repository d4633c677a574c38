package dev.tether.driver.testing;

import dev.tether.driver.grpc.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A shipped app started as a process, serving CSI on a unix socket, with a client for it; closing stops it with SIGTERM. */
public final class ServedApp implements AutoCloseable {
    private final AppProcess process;
    private final CsiClient client;

    private ServedApp(AppProcess process, CsiClient client) {
        this.process = process;
        this.client = client;
    }

    /** Starts {@code jar} with {@code --endpoint unix://<socket>} and {@code args}, and waits for the socket. */
    public static ServedApp start(Path jar, Path log, Path socket, List<String> args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--endpoint", "unix://" + socket));
        all.addAll(args);
        AppProcess process = AppProcess.start(jar, log, all);
        try {
            process.awaitSocket(socket, Duration.ofSeconds(30));
        } catch (Exception | AssertionError e) {
            process.close();
            throw e;
        }
        return new ServedApp(process, new CsiClient(new Endpoint.Unix(socket)));
    }

    public CsiClient client() {
        return client;
    }

    @Override
    public void close() throws Exception {
        client.close();
        try {
            process.terminate(Duration.ofSeconds(20));
        } finally {
            process.close();
        }
    }
}
