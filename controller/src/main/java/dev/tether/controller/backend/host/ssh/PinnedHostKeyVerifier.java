package dev.tether.controller.backend.host.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Accepts the target's host key only if it equals a key pinned for that host in a known_hosts file from the config.
 * There is no trust-on-first-use: an unknown host or a changed key is refused, and {@link #refusal} tells why so the
 * connect error can say it (MINA only reports "key did not validate").
 */
final class PinnedHostKeyVerifier implements ServerKeyVerifier {
    private final Path knownHosts;
    private final List<KnownHostEntry> entries;
    private final Map<String, String> refusals = new ConcurrentHashMap<>();

    PinnedHostKeyVerifier(Path knownHosts) {
        this.knownHosts = knownHosts;
        try {
            this.entries = List.copyOf(KnownHostEntry.readKnownHostEntries(knownHosts));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pinned host keys in " + knownHosts + ": " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(knownHosts + " holds no known_hosts entry: pin the target's host key there");
        }
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey offered) {
        String host = session.getConnectAddress() instanceof InetSocketAddress a ? a.getHostString()
                : ((InetSocketAddress) remote).getHostString();
        int port = session.getConnectAddress() instanceof InetSocketAddress a ? a.getPort() : ((InetSocketAddress) remote).getPort();
        List<String> pinned = new ArrayList<>();
        for (KnownHostEntry entry : entries) {
            if (!entry.isHostMatch(host, port)) {
                continue;
            }
            try {
                PublicKey key = entry.getKeyEntry().resolvePublicKey(session, null, PublicKeyEntryResolver.IGNORING);
                if (key != null && KeyUtils.compareKeys(key, offered)) {
                    refusals.remove(host + ":" + port);
                    return true;
                }
                if (key != null) {
                    pinned.add(KeyUtils.getFingerPrint(key));
                }
            } catch (IOException | GeneralSecurityException e) {
                pinned.add("unreadable entry (" + e.getMessage() + ")");
            }
        }
        String offeredPrint = KeyUtils.getKeyType(offered) + " " + KeyUtils.getFingerPrint(offered);
        refusals.put(host + ":" + port, pinned.isEmpty()
                ? "host key of " + host + ":" + port + " is not pinned: " + knownHosts + " has no entry for it (server offered "
                        + offeredPrint + "); add the target's key to the known_hosts config"
                : "host key of " + host + ":" + port + " CHANGED: server offered " + offeredPrint + ", pinned " + pinned
                        + "; refusing to connect (possible man-in-the-middle, or the target was reinstalled: update the pinned key)");
        return false;
    }

    /** Why the last key offered by host:port was refused, if it was. */
    String refusal(String host, int port) {
        return refusals.get(host + ":" + port);
    }
}
