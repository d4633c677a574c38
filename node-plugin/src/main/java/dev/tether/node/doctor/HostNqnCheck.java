package dev.tether.node.doctor;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.DoctorCheck;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.sys.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The host NQN and host ID are this node's identity at the target: grants and fencing cuts are keyed on the NQN.
 * They must exist, parse, belong together, and be the identity the node's live controllers connected with.
 */
record HostNqnCheck(Sysfs sysfs, String nqnFile, String idFile) implements DoctorCheck {
    static final String UUID_NQN_PREFIX = "nqn.2014-08.org.nvmexpress:uuid:";

    @Override
    public String name() {
        return "host NQN";
    }

    @Override
    public CheckResult run() {
        Optional<String> nqnText = sysfs.read(nqnFile).filter(s -> !s.isBlank());
        Optional<String> idText = sysfs.read(idFile).filter(s -> !s.isBlank());
        if (nqnText.isEmpty()) {
            return CheckResult.warn(name(), nqnFile + " is missing: the node plugin generates it on first start",
                    "nothing to do if /etc/nvme is on persistent storage; never copy it between nodes "
                            + "(cloned images: delete /etc/nvme/hostnqn and /etc/nvme/hostid before first boot)");
        }
        Nqn nqn;
        try {
            nqn = new Nqn(nqnText.get());
        } catch (IllegalArgumentException e) {
            return CheckResult.fail(name(), nqnFile + " does not hold a valid NQN: " + e.getMessage(),
                    "replace it with `nvme gen-hostnqn` output while no Tether volume is attached on this node");
        }
        if (idText.isPresent() && !isUuid(idText.get())) {
            return CheckResult.fail(name(), idFile + " holds '" + idText.get() + "', not a UUID",
                    "write the UUID of the host NQN (or a fresh uuidgen) to " + idFile + " while no volume is attached");
        }
        List<String> foreign = controllersConnectedAsSomeoneElse(nqn.value());
        if (!foreign.isEmpty()) {
            return CheckResult.fail(name(), "live NVMe controllers connected with another host NQN: " + String.join(", ", foreign),
                    "the identity changed while volumes were attached, so fencing at the target no longer matches: "
                            + "put the old NQN back in " + nqnFile + " and restart the node plugin");
        }
        if (idText.isEmpty()) {
            return CheckResult.warn(name(), nqn.value() + " (" + idFile + " is missing: generated on first start)",
                    "nothing to do if /etc/nvme is on persistent storage");
        }
        String id = idText.get();
        if (nqn.value().startsWith(UUID_NQN_PREFIX) && !nqn.value().substring(UUID_NQN_PREFIX.length()).equalsIgnoreCase(id)) {
            return CheckResult.warn(name(), nqn.value() + " with host ID " + id + " (the NQN names another UUID)",
                    "keep the pair as it is while volumes are attached; on a fresh node make the host ID the NQN's UUID");
        }
        return CheckResult.ok(name(), nqn.value() + " (host ID " + id + ")");
    }

    private List<String> controllersConnectedAsSomeoneElse(String nqn) {
        List<String> foreign = new ArrayList<>();
        for (String controller : sysfs.list("/sys/class/nvme")) {
            sysfs.read("/sys/class/nvme/" + controller + "/hostnqn")
                    .filter(connectedAs -> !connectedAs.equals(nqn))
                    .ifPresent(connectedAs -> foreign.add(controller + " as " + connectedAs));
        }
        return foreign;
    }

    private static boolean isUuid(String text) {
        try {
            UUID.fromString(text);
            return text.length() == 36;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
