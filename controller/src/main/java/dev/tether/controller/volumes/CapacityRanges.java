package dev.tether.controller.volumes;

import csi.v1.Csi;
import dev.tether.driver.error.InvalidArgumentException;
import dev.tether.driver.error.OutOfRangeException;

/**
 * Turns a CSI capacity_range into a volume size: whole MiB (the unit Tether allocates in), the required bytes rounded
 * up, never above the limit. No range at all gives {@link #DEFAULT_BYTES}.
 */
final class CapacityRanges {
    static final long UNIT = 1L << 20;
    static final long DEFAULT_BYTES = 1L << 30;

    private CapacityRanges() {
    }

    static long size(Csi.CapacityRange range, long minimum) {
        long required = range.getRequiredBytes();
        long limit = range.getLimitBytes();
        if (required < 0 || limit < 0) {
            throw new InvalidArgumentException("capacity_range: required_bytes " + required + " and limit_bytes " + limit + " must not be negative");
        }
        if (limit > 0 && required > limit) {
            throw new OutOfRangeException("capacity_range: required_bytes " + required + " is more than limit_bytes " + limit);
        }
        long wanted = Math.max(required, minimum);
        if (wanted == 0) {
            wanted = limit > 0 ? Math.min(DEFAULT_BYTES, limit) : DEFAULT_BYTES;
        }
        long size = roundUp(wanted);
        if (limit > 0 && size > limit) {
            long down = limit / UNIT * UNIT;
            if (down >= Math.max(wanted, 1) && down > 0) {
                return down;
            }
            throw new OutOfRangeException("capacity_range: volumes are allocated in whole MiB; " + wanted
                    + " bytes round up to " + size + ", over limit_bytes " + limit);
        }
        return size;
    }

    static long roundUp(long bytes) {
        if (bytes > Long.MAX_VALUE - UNIT) {
            throw new OutOfRangeException("capacity_range: " + bytes + " bytes is too large");
        }
        return (bytes + UNIT - 1) / UNIT * UNIT;
    }
}
