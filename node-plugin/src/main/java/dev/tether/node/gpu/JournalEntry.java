package dev.tether.node.gpu;

import java.util.Map;
import java.util.TreeMap;

/**
 * An unfinished transition of one IOMMU group: what each moving function was bound to before Tether touched it
 * ({@code original}) and where it was going ({@code target}). Written before the first change, removed only once
 * the group is verified in one of the two states.
 */
public record JournalEntry(Operation op, PciAddress head, int group, Map<PciAddress, Binding> original,
        Map<PciAddress, Binding> target) {

    public JournalEntry {
        original = new TreeMap<>(original);
        target = new TreeMap<>(target);
    }
}
