package dev.tether.driver.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC server for CSI services on a unix socket or TCP. Every service is wrapped in the same interceptor chain,
 * so logging, metrics and the error edge cannot be forgotten for one of them.
 */
public final class CsiServer {
    private static final Logger LOG = LoggerFactory.getLogger(CsiServer.class);

    private final Endpoint endpoint;
    private final Server server;
    private final List<EventLoopGroup> eventLoops;

    private CsiServer(Endpoint endpoint, Server server, List<EventLoopGroup> eventLoops) {
        this.endpoint = endpoint;
        this.server = server;
        this.eventLoops = eventLoops;
    }

    /**
     * Binds and starts serving. For a unix endpoint the parent directory is created, a stale socket file left by a
     * dead process is removed (a live one is refused), and the socket is made 0660.
     */
    public static CsiServer start(Endpoint endpoint, List<BindableService> services, List<ServerInterceptor> interceptors)
            throws IOException {
        NettyServerBuilder builder;
        List<EventLoopGroup> loops = new ArrayList<>();
        if (endpoint instanceof Endpoint.Unix unix) {
            prepareSocketPath(unix.socket());
            EpollEventLoopGroup boss = new EpollEventLoopGroup(1);
            EpollEventLoopGroup workers = new EpollEventLoopGroup(2);
            loops.add(boss);
            loops.add(workers);
            builder = NettyServerBuilder.forAddress(new DomainSocketAddress(unix.socket().toString()))
                    .channelType(EpollServerDomainSocketChannel.class)
                    .bossEventLoopGroup(boss)
                    .workerEventLoopGroup(workers);
        } else {
            Endpoint.Tcp tcp = (Endpoint.Tcp) endpoint;
            builder = NettyServerBuilder.forAddress(new InetSocketAddress(tcp.host(), tcp.port()));
        }
        for (BindableService service : services) {
            ServerServiceDefinition definition = ServerInterceptors.intercept(service, interceptors);
            builder.addService(definition);
        }
        Server server = builder.build().start();
        if (endpoint instanceof Endpoint.Unix unix) {
            Files.setPosixFilePermissions(unix.socket(), PosixFilePermissions.fromString("rw-rw----"));
        }
        LOG.info("serving CSI on {}", endpoint);
        return new CsiServer(endpoint, server, loops);
    }

    /** The bound TCP port (useful with port 0), or -1 for a unix socket. */
    public int port() {
        return endpoint instanceof Endpoint.Tcp ? server.getPort() : -1;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Stops accepting calls, lets in-flight calls finish for up to {@code drain}, then cancels the rest and removes the
     * socket file. Safe to call more than once.
     */
    public void shutdown(Duration drain) {
        server.shutdown();
        try {
            if (!server.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("in-flight calls did not finish within {}; cancelling them", drain);
                server.shutdownNow();
                server.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        for (EventLoopGroup loop : eventLoops) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (endpoint instanceof Endpoint.Unix unix) {
            try {
                Files.deleteIfExists(unix.socket());
            } catch (IOException e) {
                LOG.warn("could not remove socket {}: {}", unix.socket(), e.toString());
            }
        }
        LOG.info("CSI server on {} stopped", endpoint);
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    private static void prepareSocketPath(Path socket) throws IOException {
        Files.createDirectories(socket.getParent());
        if (!Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(socket)) {
            throw new IOException("endpoint " + socket + " is a directory");
        }
        if (someoneListens(socket)) {
            throw new IOException("another process is already serving on " + socket);
        }
        LOG.info("removing stale socket {}", socket);
        Files.delete(socket);
    }

    private static boolean someoneListens(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }
}
