package dev.tether.node.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code gpu status}: one row per function Tether would move (each managed device and the functions that go with
 * it), straight from sysfs and /proc at the time of the call.
 */
public final class StatusTable {
    static final List<String> HEADER = List.of("ADDRESS", "VENDOR:DEVICE", "CLASS", "GROUP", "GROUP MEMBERS", "DRIVER",
            "OVERRIDE", "POWER", "RESET", "MODE", "IN USE BY");

    private StatusTable() {
    }

    /** Rows under {@link #HEADER}; {@code declaredMode} gives each head's declared mode ({@code -} when none). */
    public static List<List<String>> rows(PciInventory inventory, DevicePolicy policy, InUseScanner scanner,
            Journal journal, Function<PciAddress, String> declaredMode) {
        Set<Integer> unfinished = journal.unfinished().stream().map(JournalEntry::group).collect(Collectors.toSet());
        List<List<String>> rows = new ArrayList<>();
        for (PciDevice head : policy.heads(inventory.all())) {
            var unit = DeviceUnit.of(inventory, head);
            List<PciDevice> moving = unit.map(DeviceUnit::moving).orElse(List.of(head));
            if (unit.isPresent() && !moving.get(0).address().equals(head.address())) {
                continue; // listed with the first function of its slot
            }
            String group = unit.map(u -> Integer.toString(u.group())).orElse("none");
            String members = unit.map(u -> inventory.groupMembers(u.group()).stream().map(PciAddress::value)
                    .collect(Collectors.joining(","))).orElse("-");
            String holders = unit.map(scanner::holders).map(hs -> hs.isEmpty() ? "-"
                    : hs.stream().map(h -> h.pid() + "/" + h.command()).distinct().collect(Collectors.joining(",")))
                    .orElse("-");
            String mode = declaredMode.apply(head.address())
                    + (unit.isPresent() && unfinished.contains(unit.get().group()) ? " (journal: unfinished)" : "");
            for (PciDevice d : moving) {
                boolean first = d == moving.get(0);
                rows.add(List.of(d.address().value(), d.vendorDevice(), String.format("0x%06x", d.pciClass()),
                        first ? group : "", first ? members : "", d.driverName(), d.driverOverride().orElse("-"),
                        d.powerState(), d.resettable() ? String.join(",", d.resetMethods()) : "no",
                        first ? mode : "", first ? holders : ""));
            }
        }
        return rows;
    }

    /** Left-aligned columns separated by two spaces. */
    public static String format(List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(HEADER);
        all.addAll(rows);
        int[] width = new int[HEADER.size()];
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> r : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + width[i] + "s  ", r.get(i)));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
