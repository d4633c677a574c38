package dev.tether.controller.backend.host.ssh;

import dev.tether.controller.backend.host.TargetHost;
import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.CommandTimeoutException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage node over SSH (Apache MINA SSHD client): key authentication from a file, host key pinned
 * ({@link PinnedHostKeyVerifier}), one session reused and re-opened when it drops, a timeout on connect and on every
 * command. File operations are the fixed {@link RemoteScripts}; arguments are quoted by {@link RemoteCommand}.
 */
public final class SshTargetHost implements TargetHost {
    private static final Logger LOG = LoggerFactory.getLogger(SshTargetHost.class);

    private final SshTarget target;
    private final Duration timeout;
    private final SshClient client;
    private final PinnedHostKeyVerifier verifier;
    private ClientSession session;

    public SshTargetHost(SshTarget target, Duration commandTimeout) {
        this.target = target;
        this.timeout = commandTimeout;
        this.verifier = new PinnedHostKeyVerifier(target.knownHosts());
        this.client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(verifier);
        client.setKeyIdentityProvider(new FileKeyPairProvider(target.privateKey()));
        client.start();
    }

    @Override
    public String describe() {
        return target.toString();
    }

    private synchronized ClientSession session() {
        if (session != null && session.isOpen() && session.isAuthenticated()) {
            return session;
        }
        closeSession();
        ClientSession opened = null;
        try {
            opened = client.connect(target.user(), target.host(), target.port())
                    .verify(target.connectTimeout().toMillis()).getSession();
            opened.auth().verify(target.connectTimeout().toMillis());
            session = opened;
            return opened;
        } catch (IOException | RuntimeException e) {
            if (opened != null) {
                opened.close(true);
            }
            String refusal = verifier.refusal(target.host(), target.port());
            throw new UnavailableException("cannot open " + target + ": "
                    + (refusal != null ? refusal : e.getMessage() + " (connect timeout " + target.connectTimeout() + ")"), e);
        }
    }

    private synchronized void closeSession() {
        if (session != null) {
            session.close(true);
            session = null;
        }
    }

    @Override
    public CommandResult run(List<String> argv, Duration commandTimeout) {
        String command = RemoteCommand.of(argv, commandTimeout);
        ClientSession current = session();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec channel = current.createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(commandTimeout.toMillis());
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), commandTimeout.toMillis());
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                channel.close(true);
                throw new CommandTimeoutException(argv, commandTimeout);
            }
            Integer status = channel.getExitStatus();
            if (status == null) {
                closeSession();
                throw new UnavailableException(target + " closed the channel of '" + String.join(" ", argv) + "' without an exit status");
            }
            CommandResult result = new CommandResult(List.copyOf(argv), status,
                    out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            LOG.debug("{}: ran {}", target, result.summary());
            return result;
        } catch (IOException e) {
            closeSession();
            throw new UnavailableException("lost " + target + " while running '" + String.join(" ", argv) + "': " + e.getMessage(), e);
        }
    }

    private CommandResult script(String script, String... args) {
        return run(RemoteScripts.sh(script, args), timeout);
    }

    private CommandResult mustSucceed(String what, CommandResult result) {
        if (!result.ok()) {
            throw new UncheckedIOException(new IOException("cannot " + what + " on " + target + ": exit " + result.exitCode()
                    + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip())));
        }
        return result;
    }

    @Override
    public boolean exists(String path) {
        return script(RemoteScripts.EXISTS, path).ok();
    }

    @Override
    public Optional<String> read(String path) {
        CommandResult result = script(RemoteScripts.READ, path);
        if (result.exitCode() == RemoteScripts.MISSING) {
            return Optional.empty();
        }
        return Optional.of(mustSucceed("read " + path, result).stdout().strip());
    }

    @Override
    public void writeAttribute(String path, String value) {
        mustSucceed("write '" + value + "' to " + path, script(RemoteScripts.WRITE_ATTRIBUTE, path, value));
    }

    @Override
    public List<String> list(String dir) {
        CommandResult result = script(RemoteScripts.LIST, dir);
        if (result.exitCode() == RemoteScripts.MISSING) {
            return List.of();
        }
        return mustSucceed("list " + dir, result).stdout().lines().filter(l -> !l.isEmpty()).sorted().toList();
    }

    @Override
    public Optional<String> linkTarget(String path) {
        CommandResult result = run(List.of("readlink", "--", path), timeout);
        if (!result.ok()) {
            return Optional.empty();
        }
        String link = result.stdout().strip();
        return Optional.of(link.substring(link.lastIndexOf('/') + 1));
    }

    @Override
    public void mkdir(String path) {
        mustSucceed("mkdir " + path, run(List.of("mkdir", "--", path), timeout));
    }

    @Override
    public void rmdir(String path) {
        mustSucceed("rmdir " + path, run(List.of("rmdir", "--", path), timeout));
    }

    @Override
    public void symlink(String link, String linkTarget) {
        mustSucceed("link " + link + " -> " + linkTarget, run(List.of("ln", "-s", "--", linkTarget, link), timeout));
    }

    @Override
    public void remove(String path) {
        mustSucceed("remove " + path, run(List.of("rm", "-f", "--", path), timeout));
    }

    @Override
    public void writeFile(String path, String content) {
        mustSucceed("write " + path, script(RemoteScripts.WRITE_FILE, path, content));
    }

    @Override
    public Map<String, String> readFiles(String dir, String suffix) {
        String out = mustSucceed("read files in " + dir, script(RemoteScripts.READ_FILES, dir, suffix)).stdout();
        Map<String, String> files = new TreeMap<>();
        String[] parts = out.split("\0", -1);
        for (int i = 0; i + 1 < parts.length; i += 2) {
            files.put(parts[i], parts[i + 1]);
        }
        return files;
    }

    @Override
    public void close() {
        closeSession();
        client.stop();
    }
}
