package dev.tether.node.gpu;

import java.util.List;

/** How a transition ended; only {@link Result#SUCCESS}, {@link Result#REPAIRED} and {@link Result#NOOP} were verified. */
public record Outcome(Operation op, PciAddress head, int group, Result result, String message, List<Holder> holders) {

    public enum Result {
        /** Verified at the target on the first pass. */
        SUCCESS("success"),
        /** The first pass did not verify; the full detach/attach cycle did. */
        REPAIRED("repaired"),
        /** Already at the target (verified); nothing written. */
        NOOP("noop"),
        /** Preflight refused (in use, foreign member, D3cold, no IOMMU); nothing changed. */
        REFUSED("refused"),
        /** Could not be verified; rolled back to the journalled state (verified). */
        FAILED("failed"),
        /** Neither the target nor the original state could be verified; the journal is kept for the next start. */
        UNRESOLVED("unresolved");

        private final String label;

        Result(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public boolean ok() {
        return result == Result.SUCCESS || result == Result.REPAIRED || result == Result.NOOP;
    }
}
