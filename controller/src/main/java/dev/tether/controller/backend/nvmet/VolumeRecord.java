package dev.tether.controller.backend.nvmet;

import dev.tether.controller.backend.VolumeSource;
import dev.tether.driver.model.VolumeId;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the target remembers about a volume, in {@code <backing-dir>/volumes/<id>.properties}. It is written before
 * any other step of a create (state CREATING, with the port chosen) so a retry after a crash finishes the same volume
 * on the same port, and marked DELETING before a delete starts so a half-deleted volume is never listed.
 */
record VolumeRecord(VolumeId id, String name, long capacityBytes, State state, int port, String address,
        Map<String, String> parameters, VolumeSource source, Instant createdAt) {

    enum State { CREATING, READY, DELETING }

    VolumeRecord {
        parameters = Map.copyOf(parameters);
    }

    VolumeRecord with(State newState) {
        return new VolumeRecord(id, name, capacityBytes, newState, port, address, parameters, source, createdAt);
    }

    VolumeRecord withCapacity(long bytes) {
        return new VolumeRecord(id, name, bytes, state, port, address, parameters, source, createdAt);
    }

    VolumeRecord withPort(int newPort) {
        return new VolumeRecord(id, name, capacityBytes, state, newPort, address, parameters, source, createdAt);
    }

    String toText() {
        Map<String, String> map = new TreeMap<>();
        map.put("id", id.value());
        map.put("name", name);
        map.put("capacityBytes", Long.toString(capacityBytes));
        map.put("state", state.name());
        map.put("port", Integer.toString(port));
        map.put("address", address);
        map.put("source.kind", source.kind().name());
        map.put("source.id", source.id());
        map.put("createdAt", createdAt.toString());
        parameters.forEach((k, v) -> map.put("param." + k, v));
        return PropertiesText.write(map);
    }

    static VolumeRecord parse(String text) {
        Map<String, String> map = PropertiesText.read(text);
        Map<String, String> parameters = new TreeMap<>();
        map.forEach((k, v) -> {
            if (k.startsWith("param.")) {
                parameters.put(k.substring("param.".length()), v);
            }
        });
        return new VolumeRecord(new VolumeId(required(map, "id")), required(map, "name"),
                Long.parseLong(required(map, "capacityBytes")), State.valueOf(required(map, "state")),
                Integer.parseInt(required(map, "port")), required(map, "address"), parameters,
                new VolumeSource(VolumeSource.Kind.valueOf(required(map, "source.kind")), map.getOrDefault("source.id", "")),
                Instant.parse(required(map, "createdAt")));
    }

    static String required(Map<String, String> map, String key) {
        String value = map.get(key);
        if (value == null) {
            throw new IllegalStateException("state file lacks '" + key + "'");
        }
        return value;
    }
}
