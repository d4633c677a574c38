package dev.tether.driver.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import csi.v1.Csi;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a CSI message for a log line with every field marked {@code csi_secret} replaced, at any depth and inside
 * maps, so credentials passed by the sidecars never reach a log.
 */
public final class SecretStripper {
    public static final String MASK = "***stripped***";

    private SecretStripper() {
    }

    public static String describe(Message message) {
        return TextFormat.printer().emittingSingleLine(true).printToString(strip(message)).trim();
    }

    /** A copy of {@code message} with secrets masked; the original is not touched. */
    public static Message strip(Message message) {
        Message.Builder copy = message.toBuilder();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (isSecret(field)) {
                mask(copy, field);
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                stripNested(message, copy, field);
            }
        }
        return copy.build();
    }

    private static boolean isSecret(FieldDescriptor field) {
        return field.getOptions().getExtension(Csi.csiSecret);
    }

    private static void mask(Message.Builder copy, FieldDescriptor field) {
        if (field.isMapField()) {
            List<Object> masked = new ArrayList<>();
            for (int i = 0; i < copy.getRepeatedFieldCount(field); i++) {
                MapEntry<?, ?> entry = (MapEntry<?, ?>) copy.getRepeatedField(field, i);
                masked.add(maskedEntry(entry));
            }
            copy.setField(field, masked);
        } else if (field.isRepeated()) {
            copy.clearField(field);
        } else if (copy.hasField(field) && field.getJavaType() == FieldDescriptor.JavaType.STRING) {
            copy.setField(field, MASK);
        } else {
            copy.clearField(field);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object maskedEntry(MapEntry entry) {
        Object value = entry.getValue() instanceof String ? MASK : entry.getValue();
        return entry.toBuilder().setValue(value).build();
    }

    private static void stripNested(Message original, Message.Builder copy, FieldDescriptor field) {
        if (field.isMapField()) {
            List<Object> entries = new ArrayList<>();
            for (int i = 0; i < original.getRepeatedFieldCount(field); i++) {
                MapEntry<?, ?> entry = (MapEntry<?, ?>) original.getRepeatedField(field, i);
                entries.add(entry.getValue() instanceof Message value ? withValue(entry, strip(value)) : entry);
            }
            copy.setField(field, entries);
        } else if (field.isRepeated()) {
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < original.getRepeatedFieldCount(field); i++) {
                items.add(strip((Message) original.getRepeatedField(field, i)));
            }
            copy.setField(field, items);
        } else if (original.hasField(field)) {
            copy.setField(field, strip((Message) original.getField(field)));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object withValue(MapEntry entry, Object value) {
        return entry.toBuilder().setValue(value).build();
    }
}
