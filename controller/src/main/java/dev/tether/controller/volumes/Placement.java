package dev.tether.controller.volumes;

import csi.v1.Csi;
import dev.tether.driver.error.ResourceExhaustedException;
import dev.tether.driver.model.TopologySegments;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the volumes of this target can be reached from (--accessible-topology), and whether a CreateVolume's
 * accessibility_requirements can be met there. Tether has one target, so every volume gets the same topology; with
 * none configured every volume is reachable from every node and requests' topology is not looked at.
 */
public final class Placement {
    public static final Placement ANYWHERE = new Placement(TopologySegments.NONE);

    private final TopologySegments reachable;

    public Placement(TopologySegments reachable) {
        this.reachable = reachable;
    }

    public boolean constrained() {
        return !reachable.isEmpty();
    }

    /** A volume's accessible_topology: our one segment, or nothing when unconstrained. */
    public List<Csi.Topology> accessibleTopology() {
        return constrained() ? List.of(reachable.toProto()) : List.of();
    }

    /**
     * Spec: a volume must be reachable from at least one requisite topology, else CreateVolume fails. Preferred
     * topologies alone never fail it: without requisite the SP may choose any topology it has, and ours is the only one.
     */
    public void check(Csi.CreateVolumeRequest request) {
        if (!constrained() || !request.hasAccessibilityRequirements()) {
            return;
        }
        List<Csi.Topology> requisite = request.getAccessibilityRequirements().getRequisiteList();
        if (requisite.isEmpty() || requisite.stream().anyMatch(this::serves)) {
            return;
        }
        throw new ResourceExhaustedException("volumes of this target are reachable only from " + reachable
                + " (--accessible-topology); accessibility_requirements.requisite " + describe(requisite) + " names none of it");
    }

    /** Whether every node in {@code topology} can reach this target's volumes. */
    public boolean serves(Csi.Topology topology) {
        return reachable.covers(topology.getSegmentsMap());
    }

    private static List<Map<String, String>> describe(List<Csi.Topology> topologies) {
        return topologies.stream().<Map<String, String>>map(t -> new TreeMap<>(t.getSegmentsMap())).toList();
    }
}
