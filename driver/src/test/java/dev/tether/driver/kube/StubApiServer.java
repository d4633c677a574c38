package dev.tether.driver.kube;

import dev.tether.driver.testing.Kubeconfigs;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain HTTP/1.1 socket standing in for a broken API server: it reads each request and either answers 503 with a
 * Kubernetes Status body (an API server that is up but failing) or never answers at all (one that accepted the
 * connection and hangs). It records the request line of every request it read, so a test can count the client's tries.
 */
final class StubApiServer implements AutoCloseable {
    enum Mode {
        /** Every request: 503. */
        ANSWER_503,
        /** Reads get a minimal object named after the path's last segment, writes get 503. */
        ANSWER_503_TO_WRITES,
        /** Nothing is ever answered. */
        NEVER_ANSWER
    }

    private static final String UNAVAILABLE = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
            + "\"status\":\"Failure\",\"message\":\"stub: the API server is unavailable\","
            + "\"reason\":\"ServiceUnavailable\",\"code\":503}";

    private final ServerSocket socket;
    private final Mode mode;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    StubApiServer(Mode mode) throws IOException {
        this.mode = mode;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "stub-api-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** Request lines ("PATCH /api/v1/nodes/n HTTP/1.1") in arrival order. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    Path writeKubeconfig(Path file) throws IOException {
        return Kubeconfigs.write(file, url());
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.add(connection);
                Thread worker = new Thread(() -> serve(connection), "stub-api-conn");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection; InputStream in = new BufferedInputStream(connection.getInputStream());
                OutputStream out = connection.getOutputStream()) {
            while (true) {
                List<String> head = readHead(in);
                if (head.isEmpty()) {
                    return; // the client closed the connection
                }
                requests.add(head.get(0));
                in.readNBytes(contentLength(head));
                if (mode == Mode.NEVER_ANSWER) {
                    continue; // read on until the client gives up and closes
                }
                if (mode == Mode.ANSWER_503_TO_WRITES && head.get(0).startsWith("GET ")) {
                    answer(out, "200 OK", object(head.get(0)));
                } else {
                    answer(out, "503 Service Unavailable", UNAVAILABLE);
                }
            }
        } catch (IOException e) {
            // the client reset the connection: nothing more to read
        }
    }

    private static void answer(OutputStream out, String status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** A Node named after the last path segment of {@code requestLine}: enough for fabric8 to patch it. */
    private static String object(String requestLine) {
        String path = requestLine.split(" ")[1].replaceAll("\\?.*", "");
        String name = path.substring(path.lastIndexOf('/') + 1);
        return "{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name
                + "\",\"resourceVersion\":\"1\"}}";
    }

    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.US_ASCII).stripTrailing();
                line.reset();
                if (text.isEmpty()) {
                    if (lines.isEmpty()) {
                        continue;
                    }
                    return lines;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
        return List.of();
    }

    private static int contentLength(List<String> head) {
        return head.stream().skip(1).map(h -> h.toLowerCase(Locale.ROOT))
                .filter(h -> h.startsWith("content-length:"))
                .map(h -> Integer.parseInt(h.substring("content-length:".length()).trim())).findFirst().orElse(0);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket c : connections) {
            c.close();
        }
    }
}
