package dev.tether.node.nvme;

import java.util.Set;

/**
 * One NVMe controller as sysfs shows it ({@code /sys/class/nvme/nvmeX}). {@code address} is the raw attribute,
 * e.g. {@code traddr=127.0.0.1,trsvcid=4420,src_addr=127.0.0.1}.
 */
public record NvmeController(String name, String state, String address, String hostNqn) {
    /** States from which the kernel returns to live by itself (it retries every reconnect_delay). */
    private static final Set<String> RECOVERING = Set.of("new", "resetting", "connecting");

    public boolean live() {
        return "live".equals(state);
    }

    public boolean recovering() {
        return RECOVERING.contains(state);
    }

    /** deleting, deleting (no IO), dead: on its way out; it will not come back. */
    public boolean dying() {
        return !live() && !recovering();
    }

    public boolean reaches(String traddr, int trsvcid) {
        String wantedAddr = "traddr=" + traddr;
        String wantedPort = "trsvcid=" + trsvcid;
        boolean addr = false;
        boolean port = false;
        for (String part : address.split(",")) {
            addr |= part.strip().equals(wantedAddr);
            port |= part.strip().equals(wantedPort);
        }
        return addr && port;
    }
}
