package dev.tether.controller.backend;

import static dev.tether.driver.model.VolumeContextKeys.CTRL_LOSS_TMO;
import static dev.tether.driver.model.VolumeContextKeys.FAST_IO_FAIL_TMO;
import static dev.tether.driver.model.VolumeContextKeys.FS_TYPE;
import static dev.tether.driver.model.VolumeContextKeys.KEEP_ALIVE_TMO;
import static dev.tether.driver.model.VolumeContextKeys.RECONNECT_DELAY;
import static dev.tether.driver.model.VolumeContextKeys.TRANSPORT_ADDRESS;

import dev.tether.driver.error.InvalidArgumentException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * StorageClass parameters of a Tether volume, validated, with defaults filled in. Two requests with the same effective
 * parameters compare equal whether or not they spelled the defaults out. Keys under {@code csi.storage.k8s.io/} (added
 * by the external-provisioner) are ignored; any other unknown key is refused so a typo does not go unnoticed.
 */
public record VolumeParameters(Optional<String> transportAddress, int ctrlLossTmo, int reconnectDelay, int keepAliveTmo,
        int fastIoFailTmo, String fsType) {

    public static final int DEFAULT_CTRL_LOSS_TMO = 600;
    public static final int DEFAULT_RECONNECT_DELAY = 2;
    public static final int DEFAULT_KEEP_ALIVE_TMO = 5;
    public static final int DEFAULT_FAST_IO_FAIL_TMO = 5;
    public static final String DEFAULT_FS_TYPE = "ext4";
    public static final Set<String> FS_TYPES = Set.of("ext4", "xfs");
    private static final Set<String> KNOWN = Set.of(TRANSPORT_ADDRESS, CTRL_LOSS_TMO, RECONNECT_DELAY, KEEP_ALIVE_TMO,
            FAST_IO_FAIL_TMO, FS_TYPE);
    private static final String PROVISIONER_PREFIX = "csi.storage.k8s.io/";

    public static final VolumeParameters DEFAULTS = parse(Map.of());

    /** Validates StorageClass parameters; INVALID_ARGUMENT names the parameter and its value. */
    public static VolumeParameters parse(Map<String, String> raw) {
        Set<String> unknown = new TreeSet<>();
        for (String key : raw.keySet()) {
            if (!KNOWN.contains(key) && !key.startsWith(PROVISIONER_PREFIX)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidArgumentException("parameters: unknown parameter(s) " + unknown + "; Tether accepts "
                    + new TreeSet<>(KNOWN));
        }
        Optional<String> address = Optional.ofNullable(raw.get(TRANSPORT_ADDRESS));
        address.ifPresent(a -> {
            if (!a.matches("[0-9A-Za-z.:\\-\\[\\]]{1,253}")) {
                throw new InvalidArgumentException("parameter " + TRANSPORT_ADDRESS + " '" + a + "' is not an IP address");
            }
        });
        int ctrlLoss = seconds(raw, CTRL_LOSS_TMO, DEFAULT_CTRL_LOSS_TMO, -1, 31_536_000);
        if (ctrlLoss == 0) {
            throw new InvalidArgumentException("parameter " + CTRL_LOSS_TMO + " '0' is not allowed: use -1 (retry forever) or a positive number of seconds");
        }
        int reconnect = seconds(raw, RECONNECT_DELAY, DEFAULT_RECONNECT_DELAY, 1, 3600);
        int keepAlive = seconds(raw, KEEP_ALIVE_TMO, DEFAULT_KEEP_ALIVE_TMO, 1, 3600);
        int fastFail = seconds(raw, FAST_IO_FAIL_TMO, DEFAULT_FAST_IO_FAIL_TMO, 0, 3600);
        String fs = raw.getOrDefault(FS_TYPE, DEFAULT_FS_TYPE);
        if (!FS_TYPES.contains(fs)) {
            throw new InvalidArgumentException("parameter " + FS_TYPE + " '" + fs + "' is not supported; use one of " + new TreeSet<>(FS_TYPES));
        }
        return new VolumeParameters(address, ctrlLoss, reconnect, keepAlive, fastFail, fs);
    }

    private static int seconds(Map<String, String> raw, String key, int fallback, int min, int max) {
        String text = raw.get(key);
        if (text == null) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("parameter " + key + " '" + text + "' is not a whole number of seconds");
        }
        if (value < min || value > max) {
            throw new InvalidArgumentException("parameter " + key + " '" + text + "' is out of range [" + min + ", " + max + "]");
        }
        return value;
    }

    /** Every effective parameter, defaults included; what is stored with the volume and compared on a repeated create. */
    public Map<String, String> toMap() {
        Map<String, String> map = new TreeMap<>();
        transportAddress.ifPresent(a -> map.put(TRANSPORT_ADDRESS, a));
        map.put(CTRL_LOSS_TMO, Integer.toString(ctrlLossTmo));
        map.put(RECONNECT_DELAY, Integer.toString(reconnectDelay));
        map.put(KEEP_ALIVE_TMO, Integer.toString(keepAliveTmo));
        map.put(FAST_IO_FAIL_TMO, Integer.toString(fastIoFailTmo));
        map.put(FS_TYPE, fsType);
        return map;
    }

    /**
     * How long after a host lost its path its queued writes may still be sent: the host notices a silent path loss within
     * two keep-alive periods, then fails queued I/O after fast_io_fail_tmo or deletes the controller after ctrl_loss_tmo,
     * whichever comes first. The fence window is this plus a safety margin.
     */
    public Duration queuedIoHorizon() {
        int fail = ctrlLossTmo > 0 ? Math.min(fastIoFailTmo, ctrlLossTmo) : fastIoFailTmo;
        return Duration.ofSeconds(2L * keepAliveTmo + fail);
    }

    /** The context keys these parameters contribute (the backend adds where to connect). */
    public Map<String, String> contextEntries() {
        Map<String, String> context = new TreeMap<>(toMap());
        context.remove(TRANSPORT_ADDRESS);
        return context;
    }
}
