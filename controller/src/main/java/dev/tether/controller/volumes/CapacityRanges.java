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
        if (required == 0 && minimum == 0) {
            // No lower bound: the default size, or as much of the limit as whole MiB allow.
            long size = limit > 0 ? Math.min(DEFAULT_BYTES, limit / UNIT * UNIT) : DEFAULT_BYTES;
            if (size == 0) {
                throw new OutOfRangeException("capacity_range: limit_bytes " + limit + " is less than 1 MiB, the smallest volume");
            }
            return size;
        }
        long wanted = Math.max(required, minimum);
        long size = roundUp(wanted);
        if (limit > 0 && size > limit) {
            throw new OutOfRangeException("capacity_range: volumes are allocated in whole MiB" + (minimum > required
                    ? " and cannot be smaller than their source (" + minimum + " bytes)" : "") + "; " + wanted
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
