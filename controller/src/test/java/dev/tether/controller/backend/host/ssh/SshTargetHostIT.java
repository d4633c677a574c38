package dev.tether.controller.backend.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.CommandTimeoutException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH target against an in-process MINA SSHD server whose exec requests run in {@code /bin/sh -c}, as OpenSSH does
 * with a login shell: so quoting is tested against a real shell.
 */
class SshTargetHostIT {
    @TempDir
    Path dir;
    SshServer server;
    KeyPair clientKey;
    Path privateKey;
    Path knownHosts;

    @BeforeEach
    void startServer() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        clientKey = generator.generateKeyPair();
        privateKey = dir.resolve("id");
        try (OutputStream out = Files.newOutputStream(privateKey)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "tether-test", null, out);
        }
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("hostkey.ser")));
        server.setPublickeyAuthenticator((user, key, session) -> "tether".equals(user) && KeyUtils.compareKeys(key, clientKey.getPublic()));
        server.setCommandFactory((channel, command) -> new ProcessShellFactory(command, List.of("/bin/sh", "-c", command)).createShell(channel));
        server.start();
        KeyPair hostKey = server.getKeyPairProvider().loadKeys(null).iterator().next();
        knownHosts = pin("[127.0.0.1]:" + server.getPort(), hostKey);
    }

    Path pin(String hostPattern, KeyPair key) throws Exception {
        Path file = dir.resolve("known_hosts-" + System.nanoTime());
        Files.writeString(file, hostPattern + " " + PublicKeyEntry.toString(key.getPublic()) + "\n");
        return file;
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop(true);
    }

    SshTargetHost connect(int port, Path pinned, Duration connectTimeout) {
        return new SshTargetHost(new SshTarget("tether", "127.0.0.1", port, privateKey, pinned, connectTimeout), Duration.ofSeconds(20));
    }

    @Test
    void fileOperationsAndCommandsRoundTripExactlyWhateverTheNamesContain() throws Exception {
        try (SshTargetHost target = connect(server.getPort(), knownHosts, Duration.ofSeconds(10))) {
            String base = dir.resolve("it's a \"dir\" $(touch pwned) `touch pwned2`;").toString();
            target.mkdir(base);
            String content = "line1\nit's $HOME `id` $(reboot) \\ \"q\"\nkey=value";
            target.writeFile(base + "/a.properties", content);
            target.writeFile(base + "/b.properties", "b");
            target.writeFile(base + "/c.other", "c");

            assertThat(Files.readString(Path.of(base, "a.properties"))).isEqualTo(content);
            assertThat(target.read(base + "/a.properties")).contains(content);
            assertThat(target.read(base + "/missing")).isEmpty();
            assertThat(target.readFiles(base, ".properties")).isEqualTo(Map.of("a.properties", content, "b.properties", "b"));
            assertThat(target.readFiles(dir.resolve("nope").toString(), ".properties")).isEmpty();
            assertThat(target.list(base)).containsExactly("a.properties", "b.properties", "c.other");
            assertThat(target.list(base + "/nope")).isEmpty();

            target.symlink(base + "/link", base + "/b.properties");
            assertThat(target.linkTarget(base + "/link")).contains("b.properties");
            assertThat(target.exists(base + "/link")).isTrue();
            target.remove(base + "/link");
            target.remove(base + "/link");
            assertThat(target.exists(base + "/link")).isFalse();
            target.writeAttribute(base + "/c.other", "one write");
            assertThat(Files.readString(Path.of(base, "c.other"))).isEqualTo("one write");

            CommandResult echoed = target.run(List.of("printf", "%s|", "a b", "$(id)", "'", ""), Duration.ofSeconds(10));
            assertThat(echoed.stdout()).isEqualTo("a b|$(id)|'||");

            for (String f : List.of("a.properties", "b.properties", "c.other")) {
                target.remove(base + "/" + f);
            }
            target.rmdir(base);
            assertThat(Files.exists(Path.of(base))).isFalse();
            assertThat(Files.exists(Path.of("pwned"))).isFalse();
            assertThat(Files.exists(Path.of("pwned2"))).isFalse();
            assertThatThrownBy(() -> target.rmdir(base)).hasMessageContaining("rmdir");
        }
    }

    @Test
    void aChangedHostKeyIsRefusedNamingBothKeys() throws Exception {
        KeyPair other = KeyPairGenerator.getInstance("EC").generateKeyPair();
        Path wrong = pin("[127.0.0.1]:" + server.getPort(), other);
        try (SshTargetHost target = connect(server.getPort(), wrong, Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> target.exists("/"))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("CHANGED").hasMessageContaining(KeyUtils.getFingerPrint(other.getPublic()));
        }
    }

    @Test
    void aHostWithoutPinnedKeyIsRefused() throws Exception {
        KeyPair hostKey = server.getKeyPairProvider().loadKeys(null).iterator().next();
        Path elsewhere = pin("storage.example", hostKey);
        try (SshTargetHost target = connect(server.getPort(), elsewhere, Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> target.exists("/")).isInstanceOf(UnavailableException.class).hasMessageContaining("is not pinned");
        }
    }

    @Test
    void anUnreachableTargetIsUnavailable() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        try (SshTargetHost target = connect(closed, knownHosts, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> target.exists("/")).isInstanceOf(UnavailableException.class).hasMessageContaining("cannot open ssh");
        }
        // A listener that accepts but never speaks SSH: the connect timeout ends the wait.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                SshTargetHost target = connect(silent.getLocalPort(), knownHosts, Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> target.exists("/")).isInstanceOf(UnavailableException.class).hasMessageContaining("PT2S");
        }
    }

    @Test
    void aHungCommandHitsItsTimeoutAndTheTargetStaysUsable() {
        try (SshTargetHost target = connect(server.getPort(), knownHosts, Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> target.run(List.of("sleep", "30"), Duration.ofSeconds(1)))
                    .isInstanceOf(CommandTimeoutException.class).hasMessageContaining("sleep 30");
            assertThat(target.run(List.of("true"), Duration.ofSeconds(10)).ok()).isTrue();
        }
    }
}
