package dev.tether.controller.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** The storage node's SSH server answers with an SSH banner within the timeout. */
record SshReachableCheck(String host, int port, Duration timeout) implements DoctorCheck {

    @Override
    public String name() {
        return "storage node reachable";
    }

    @Override
    public CheckResult run() {
        if (host == null || host.isBlank()) {
            return CheckResult.fail(name(), "no SSH host configured", "set --nvmet-target ssh://root@HOST[:PORT] (chart: backend.nvmet.ssh.host)");
        }
        String where = host + ":" + port;
        String fix = "check that sshd runs on " + where + " and that the controller's network (and any NetworkPolicy) "
                + "lets it through";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            String banner = firstLine(socket.getInputStream());
            if (!banner.startsWith("SSH-2.0-")) {
                return CheckResult.fail(name(), where + " answered, but not as an SSH server: '" + banner + "'", fix);
            }
            return CheckResult.ok(name(), where + " " + banner);
        } catch (IOException e) {
            return CheckResult.fail(name(), "cannot connect to " + where + " within " + timeout.toSeconds() + "s: " + e, fix);
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n' && line.length() < 255) {
            line.append((char) b);
        }
        return line.toString().strip();
    }
}
