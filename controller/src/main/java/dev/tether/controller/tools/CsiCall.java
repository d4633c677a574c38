package dev.tether.controller.tools;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import csi.v1.ControllerGrpc;
import csi.v1.IdentityGrpc;
import csi.v1.NodeGrpc;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Calls any CSI Identity, Controller or Node RPC by name with a JSON request and prints the JSON response, for lab
 * scenarios and debugging: {@code java -cp tether-controller.jar dev.tether.controller.tools.CsiCall
 * [--endpoint unix:///run/tether/csi.sock] [--timeout-seconds 60] CreateVolume '{"name":"v1",...}'}. The exit code is the
 * gRPC status code (0 OK, 3 INVALID_ARGUMENT, 5 NOT_FOUND, ...); the status message goes to stderr as
 * {@code CODE: message}. Usage errors exit 64.
 */
public final class CsiCall {
    static final int USAGE = 64;
    private static final List<ServiceDescriptor> SERVICES = List.of(IdentityGrpc.getServiceDescriptor(),
            ControllerGrpc.getServiceDescriptor(), NodeGrpc.getServiceDescriptor());

    private CsiCall() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String endpoint = System.getenv().getOrDefault("TETHER_ENDPOINT", "unix:///run/tether/csi.sock");
        long timeoutSeconds = 60;
        int i = 0;
        for (; i < args.length && args[i].startsWith("--"); i += 2) {
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
        if (args.length - i < 1 || args.length - i > 2) {
            return usage(err, "expected <Rpc> [<json-request>]");
        }
        String rpc = args[i];
        String json = args.length - i == 2 ? args[i + 1] : "{}";
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
        String target = endpoint.startsWith("tcp://") ? "dns:///" + endpoint.substring("tcp://".length()) : endpoint;
        ManagedChannel channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
        try {
            Message response = ClientCalls.blockingUnaryCall(channel, method,
                    CallOptions.DEFAULT.withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS), request.build());
            out.println(JsonFormat.printer().print(response));
            return 0;
        } catch (StatusRuntimeException e) {
            err.println(e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return e.getStatus().getCode().value();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            err.println("cannot print the response as JSON: " + e.getMessage());
            return USAGE;
        } finally {
            channel.shutdownNow();
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
        return USAGE;
    }
}
