package dev.tether.controller.tools;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import csi.v1.ControllerGrpc;
import csi.v1.IdentityGrpc;
import csi.v1.NodeGrpc;
import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import dev.tether.driver.logging.LogFormat;
import dev.tether.driver.logging.LogSetup;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Calls any CSI Identity, Controller or Node RPC by name with a JSON request and prints the JSON response, for lab
 * scenarios and debugging: {@code java -cp tether-controller.jar dev.tether.controller.tools.CsiCall
 * [--endpoint unix:///run/tether/csi.sock] [--timeout-seconds 60] CreateVolume '{"name":"v1",...}'}. The exit code is the
 * gRPC status code (0 OK, 3 INVALID_ARGUMENT, 5 NOT_FOUND, ...); the status message goes to stderr as
 * {@code CODE: message}. Usage errors exit 64.
 *
 * <p>With {@code --lines} it serves many calls from one JVM (a JVM start is slow in the emulated lab): each stdin line
 * {@code [<endpoint>] <Rpc> <json-request-on-one-line>} is answered by one stdout line {@code <code> <json-response>}
 * (code 0) or {@code <code> <CODE: message>}. A line that starts with an endpoint ({@code unix://...} or
 * {@code tcp://...}) goes there instead of to {@code --endpoint}, so one JVM can drive a controller and a node plugin;
 * each endpoint keeps one channel, replaced by a fresh one once it has failed, so a server that restarted is reached by
 * the very next call instead of after grpc's reconnect backoff.
 */
public final class CsiCall {
    static final int USAGE = 64;
    private static final List<ServiceDescriptor> SERVICES = List.of(IdentityGrpc.getServiceDescriptor(),
            ControllerGrpc.getServiceDescriptor(), NodeGrpc.getServiceDescriptor());

    private CsiCall() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        LogSetup.configure(LogFormat.text, "error");
        String endpoint = System.getenv().getOrDefault("TETHER_ENDPOINT", "unix:///run/tether/csi.sock");
        long timeoutSeconds = 60;
        boolean lines = false;
        int i = 0;
        for (; i < args.length && args[i].startsWith("--"); i += 2) {
            if (args[i].equals("--lines")) {
                lines = true;
                i--;
                continue;
            }
            if (i + 1 >= args.length) {
                return usage(err, "flag " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--endpoint" -> endpoint = args[i + 1];
                case "--timeout-seconds" -> timeoutSeconds = Long.parseLong(args[i + 1]);
                default -> {
                    return usage(err, "unknown flag " + args[i]);
                }
            }
        }
        if (lines ? args.length != i : args.length - i < 1 || args.length - i > 2) {
            return usage(err, lines ? "--lines takes requests on stdin, not arguments" : "expected <Rpc> [<json-request>]");
        }
        Map<String, ManagedChannel> channels = new HashMap<>();
        try {
            if (!lines) {
                return call(channel(channels, endpoint), args[i], args.length - i == 2 ? args[i + 1] : "{}", timeoutSeconds,
                        JsonFormat.printer(), out, err);
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            JsonFormat.Printer compact = JsonFormat.printer().omittingInsignificantWhitespace();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.strip().split("\\s+", 2);
                String lineEndpoint = endpoint;
                if (isEndpoint(parts[0])) {
                    lineEndpoint = parts[0];
                    parts = parts.length == 2 ? parts[1].split("\\s+", 2) : new String[] {""};
                }
                ManagedChannel channel = channel(channels, lineEndpoint);
                if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
                    channel.shutdownNow();
                    channels.remove(lineEndpoint);
                    channel = channel(channels, lineEndpoint);
                }
                ByteArrayOutputStream problem = new ByteArrayOutputStream();
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                int code = call(channel, parts[0], parts.length == 2 ? parts[1] : "{}", timeoutSeconds, compact,
                        new PrintStream(answer, true, StandardCharsets.UTF_8), new PrintStream(problem, true, StandardCharsets.UTF_8));
                String text = code == 0 ? answer.toString(StandardCharsets.UTF_8) : problem.toString(StandardCharsets.UTF_8);
                out.println(code + " " + text.replace('\n', ' ').strip());
                out.flush();
            }
            return 0;
        } catch (IOException e) {
            err.println("CsiCall: cannot read stdin: " + e.getMessage());
            return USAGE;
        } finally {
            channels.values().forEach(ManagedChannel::shutdownNow);
        }
    }

    private static boolean isEndpoint(String token) {
        return token.startsWith("unix://") || token.startsWith("tcp://");
    }

    private static ManagedChannel channel(Map<String, ManagedChannel> channels, String endpoint) {
        return channels.computeIfAbsent(endpoint, e -> Grpc.newChannelBuilder(
                e.startsWith("tcp://") ? "dns:///" + e.substring("tcp://".length()) : e,
                InsecureChannelCredentials.create()).build());
    }

    private static int call(ManagedChannel channel, String rpc, String json, long timeoutSeconds, JsonFormat.Printer printer,
            PrintStream out, PrintStream err) {
        MethodDescriptor<Message, Message> method = find(rpc);
        if (method == null) {
            return usage(err, "no Identity, Controller or Node RPC named '" + rpc + "'");
        }
        Message.Builder request = ((MethodDescriptor.PrototypeMarshaller<Message>) method.getRequestMarshaller())
                .getMessagePrototype().newBuilderForType();
        try {
            JsonFormat.parser().merge(json, request);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return usage(err, "request is not a " + request.getDescriptorForType().getName() + " in JSON: " + e.getMessage());
        }
        try {
            Message response = ClientCalls.blockingUnaryCall(channel, method,
                    CallOptions.DEFAULT.withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS), request.build());
            out.println(printer.print(response));
            return 0;
        } catch (StatusRuntimeException e) {
            err.println(e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return e.getStatus().getCode().value();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            err.println("cannot print the response as JSON: " + e.getMessage());
            return USAGE;
        }
    }

    @SuppressWarnings("unchecked")
    private static MethodDescriptor<Message, Message> find(String rpc) {
        for (ServiceDescriptor service : SERVICES) {
            for (MethodDescriptor<?, ?> method : service.getMethods()) {
                if (rpc.equals(method.getBareMethodName())) {
                    return (MethodDescriptor<Message, Message>) method;
                }
            }
        }
        return null;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("CsiCall: " + problem);
        err.println("usage: CsiCall [--endpoint unix:///path|tcp://host:port] [--timeout-seconds N] <Rpc> [<json-request>]");
        err.println("       CsiCall [--endpoint ...] --lines   (stdin: '[<endpoint>] <Rpc> <json>' per line; stdout: '<code> <answer>' per line)");
        return USAGE;
    }
}
