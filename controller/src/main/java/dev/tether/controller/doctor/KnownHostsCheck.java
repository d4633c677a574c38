package dev.tether.controller.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The storage node's host key is pinned in known_hosts (plain or hashed entries, "[host]:port" for a non-22 port), so
 * the controller never trusts a key it is shown on first contact.
 */
record KnownHostsCheck(Path knownHosts, String host, int port) implements DoctorCheck {
    private static final String FIX_PREFIX = "pin the key: ssh-keyscan -p %d %s, compare the fingerprint with "
            + "`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the storage node, then put the line in the known_hosts "
            + "key of the Secret (or backend.nvmet.ssh.knownHostsConfigMap)";

    @Override
    public String name() {
        return "SSH host key pinned";
    }

    @Override
    public CheckResult run() {
        String fix = String.format(FIX_PREFIX, port, host);
        if (host == null || host.isBlank()) {
            return CheckResult.fail(name(), "no SSH host configured", "set --nvmet-target ssh://root@HOST[:PORT] (chart: backend.nvmet.ssh.host)");
        }
        if (!Files.isRegularFile(knownHosts)) {
            return CheckResult.fail(name(), knownHosts + " does not exist", fix);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(knownHosts, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return CheckResult.fail(name(), knownHosts + " is not readable: " + e.getMessage(), fix);
        }
        String wanted = port == 22 ? host : "[" + host + "]:" + port;
        for (String line : lines) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 3 || fields[0].startsWith("#") || fields[0].startsWith("@revoked")) {
                continue;
            }
            Optional<String> keyType = matches(fields, wanted);
            if (keyType.isPresent()) {
                return CheckResult.ok(name(), wanted + " " + keyType.get());
            }
        }
        return CheckResult.fail(name(), "no entry for " + wanted + " in " + knownHosts, fix);
    }

    private static Optional<String> matches(String[] fields, String wanted) {
        int at = fields[0].startsWith("@cert-authority") ? 1 : 0;
        if (fields.length < at + 3) {
            return Optional.empty();
        }
        for (String pattern : fields[at].split(",")) {
            if (pattern.equals(wanted) || hashedMatches(pattern, wanted)) {
                return Optional.of(fields[at + 1]);
            }
        }
        return Optional.empty();
    }

    /** OpenSSH HashKnownHosts: |1|base64(salt)|base64(HMAC-SHA1(salt, host)). */
    private static boolean hashedMatches(String pattern, String wanted) {
        if (!pattern.startsWith("|1|")) {
            return false;
        }
        String[] parts = pattern.substring(3).split("\\|");
        if (parts.length != 2) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[0]);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            byte[] expected = Base64.getDecoder().decode(parts[1]);
            return MessageDigest.isEqual(expected, mac.doFinal(wanted.getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }
}
