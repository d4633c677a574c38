package dev.tether.controller.backend.nvmet;

import dev.tether.controller.backend.host.TargetHost;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Persists fences on the target next to the data ({@code <backing-dir>/fences/<volume-id>.properties}), so a restarted
 * or newly elected controller still knows which hosts it cut and until when they stay out. The file outlives the
 * volume: a new volume with the same id (same NQN) must not receive a cut host's stale writes either.
 */
final class FenceBook {
    private final TargetHost target;
    private final String dir;

    FenceBook(TargetHost target, String backingDir) {
        this.target = target;
        this.dir = backingDir + "/fences";
    }

    String dir() {
        return dir;
    }

    private String file(VolumeId volume) {
        return dir + "/" + volume.value() + ".properties";
    }

    Map<Nqn, Fence> load(VolumeId volume) {
        Map<Nqn, Fence> fences = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
        target.read(file(volume)).ifPresent(text -> {
            Map<String, String> map = PropertiesText.read(text);
            for (String key : map.keySet()) {
                if (key.endsWith(".notBefore")) {
                    String host = key.substring(0, key.length() - ".notBefore".length());
                    fences.put(new Nqn(host), new Fence(Instant.parse(map.get(host + ".revokedAt")),
                            Instant.parse(map.get(key)), Boolean.parseBoolean(map.get(host + ".cut")),
                            Integer.parseInt(map.getOrDefault(host + ".connectionsCut", "0")),
                            map.getOrDefault(host + ".mechanism", "")));
                }
            }
        });
        return fences;
    }

    /** Writes the fences of a volume, dropping those that expired before {@code now} and are complete. */
    void save(VolumeId volume, Map<Nqn, Fence> fences, Instant now) {
        Map<String, String> map = new TreeMap<>();
        fences.forEach((host, fence) -> {
            if (fence.cut() && fence.notBefore().isBefore(now)) {
                return;
            }
            String h = host.value();
            map.put(h + ".revokedAt", fence.revokedAt().toString());
            map.put(h + ".notBefore", fence.notBefore().toString());
            map.put(h + ".cut", Boolean.toString(fence.cut()));
            map.put(h + ".connectionsCut", Integer.toString(fence.connectionsCut()));
            map.put(h + ".mechanism", fence.mechanism());
        });
        if (map.isEmpty()) {
            target.remove(file(volume));
        } else {
            target.writeFile(file(volume), PropertiesText.write(map));
        }
    }
}
