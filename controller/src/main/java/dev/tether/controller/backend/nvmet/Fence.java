package dev.tether.controller.backend.nvmet;

import java.time.Instant;

/**
 * A host revoked from a volume. Written (REVOKING) before its access is removed, so a crash mid-way is finished by the
 * next revoke or grant; CUT once its connections are verified gone. Until {@code notBefore} the host is not granted
 * the volume again: writes it queued before the cut could otherwise reach storage when it reconnects.
 */
record Fence(Instant revokedAt, Instant notBefore, boolean cut, int connectionsCut, String mechanism) {

    Fence asCut(int connections, String how) {
        return new Fence(revokedAt, notBefore, true, connections, how);
    }
}
