package dev.tether.driver.model;

import csi.v1.Csi;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One CSI topology (a map of topology keys to segment values), e.g. {@code topology.tether.csi.dev/rack=r1}. Validated
 * against both the CSI v1.12 rules and the Kubernetes label rules, because kubelet copies a node's segments onto its
 * Node as labels and the provisioner turns a volume's segments into PV node affinity. Empty means "no topology".
 */
public record TopologySegments(Map<String, String> segments) {
    public static final TopologySegments NONE = new TopologySegments(Map.of());

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?");
    private static final Pattern VALUE = NAME;
    /** Kubernetes-owned keys kubelet may still set on its own Node (NodeRestriction admission). */
    private static final Set<String> ALLOWED_KUBERNETES_KEYS = Set.of("topology.kubernetes.io/zone",
            "topology.kubernetes.io/region", "kubernetes.io/hostname");

    public TopologySegments {
        segments = Collections.unmodifiableMap(new TreeMap<>(segments));
        Map<String, String> lowerCase = new HashMap<>();
        Set<String> prefixes = new TreeSet<>();
        segments.forEach((key, value) -> {
            prefixes.add(checkKey(key));
            if (value == null || !VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException("'" + value + "' (for key '" + key + "') is not a topology value: 1 to 63 "
                        + "letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
            }
            String other = lowerCase.put(key.toLowerCase(Locale.ROOT), key);
            if (other != null) {
                throw new IllegalArgumentException("keys '" + other + "' and '" + key + "' differ only in case; topology keys are case-insensitive");
            }
        });
        if (prefixes.size() > 1) {
            throw new IllegalArgumentException("topology keys must all share one prefix (CSI spec), got " + prefixes.stream()
                    .map(p -> p.isEmpty() ? "(none)" : "'" + p + "'").toList());
        }
    }

    /** {@code KEY=VALUE[,KEY=VALUE...]}; blank is {@link #NONE}. */
    public static TopologySegments parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        Map<String, String> segments = new TreeMap<>();
        for (String pair : text.split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("'" + pair.strip() + "' is not KEY=VALUE");
            }
            String key = pair.substring(0, eq).strip();
            if (segments.put(key, pair.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException("key '" + key + "' is given twice");
            }
        }
        return new TopologySegments(segments);
    }

    public static TopologySegments of(Csi.Topology topology) {
        return new TopologySegments(topology.getSegmentsMap());
    }

    public boolean isEmpty() {
        return segments.isEmpty();
    }

    /**
     * Whether every node described by {@code other} is inside this topology: each of our keys is in {@code other} with
     * our value. A volume reachable from rack r1 serves a request for {rack: r1, zone: z} but not one for {zone: z}.
     */
    public boolean covers(TopologySegments other) {
        return covers(other.segments);
    }

    /** {@link #covers(TopologySegments)} for segments from a request, which need not be valid keys and values. */
    public boolean covers(Map<String, String> other) {
        return segments.entrySet().stream().allMatch(e -> e.getValue().equals(other.get(e.getKey())));
    }

    public Csi.Topology toProto() {
        return Csi.Topology.newBuilder().putAllSegments(segments).build();
    }

    /** As the flag is written, keys sorted. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        segments.forEach((k, v) -> out.append(out.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return out.toString();
    }

    /** Checks a key and returns its prefix ("" when it has none). */
    private static String checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a topology key is empty");
        }
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? "" : key.substring(0, slash);
        String name = key.substring(slash + 1);
        if (!NAME.matcher(name).matches() || (slash >= 0 && !PREFIX.matcher(prefix).matches())) {
            throw new IllegalArgumentException("'" + key + "' is not a topology key: [prefix/]name, the name 1 to 63 letters, "
                    + "digits, '-', '_' or '.', the optional prefix a lower-case DNS name of at most 63 characters");
        }
        boolean kubernetes = prefix.equals("kubernetes.io") || prefix.endsWith(".kubernetes.io")
                || prefix.equals("k8s.io") || prefix.endsWith(".k8s.io");
        boolean kubeletMay = ALLOWED_KUBERNETES_KEYS.contains(key) || prefix.equals("node.kubernetes.io")
                || prefix.endsWith(".node.kubernetes.io") || prefix.equals("kubelet.kubernetes.io")
                || prefix.endsWith(".kubelet.kubernetes.io");
        if (kubernetes && !kubeletMay) {
            throw new IllegalArgumentException("'" + key + "' is a Kubernetes-owned label that kubelet may not set on its Node; "
                    + "use your own prefix, e.g. topology.tether.csi.dev/" + name);
        }
        return prefix;
    }
}
