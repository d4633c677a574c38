package dev.tether.controller.fencing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.driver.model.NodeId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a volume's attachments, as stored in the PV annotation {@code tether.csi.dev/attachments} and in
 * the standalone state file: {@code [{"node":"<node-name>/<host-nqn>","mode":"SINGLE_NODE_WRITER","block":false,
 * "readonly":false,"publishContext":{...},"attachedAt":"2026-12-06T03:00:00Z"}]}. docs/fencing.md documents it.
 */
public final class AttachmentCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() {
    };

    private AttachmentCodec() {
    }

    public static String encode(List<Attachment> attachments) {
        try {
            return JSON.writeValueAsString(attachments.stream().map(AttachmentCodec::toMap).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode attachments", e);
        }
    }

    /** Parses what {@link #encode} wrote; throws IllegalArgumentException naming the problem otherwise. */
    public static List<Attachment> decode(String text) {
        try {
            return JSON.readValue(text, LIST).stream().map(AttachmentCodec::fromMap).toList();
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a Tether attachment list: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> toMap(Attachment a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", a.node().value());
        m.put("mode", a.access().mode().name());
        m.put("block", a.access().block());
        m.put("readonly", a.access().readonly());
        m.put("publishContext", new java.util.TreeMap<>(a.publishContext()));
        m.put("attachedAt", a.attachedAt().toString());
        return m;
    }

    @SuppressWarnings("unchecked")
    static Attachment fromMap(Map<String, Object> m) {
        NodeId node = NodeId.parse((String) m.get("node"));
        AccessSpec access = new AccessSpec(Mode.valueOf((String) m.get("mode")), Boolean.TRUE.equals(m.get("block")),
                Boolean.TRUE.equals(m.get("readonly")));
        Map<String, String> context = (Map<String, String>) m.getOrDefault("publishContext", Map.of());
        return new Attachment(node, access, context, Instant.parse((String) m.get("attachedAt")));
    }

    static ObjectMapper json() {
        return JSON;
    }
}
