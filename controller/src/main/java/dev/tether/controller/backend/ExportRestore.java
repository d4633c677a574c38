package dev.tether.controller.backend;

/**
 * What {@link StorageBackend#restoreExport} found and did. {@code detail} says why for {@link Outcome#REFUSED}
 * (operator-facing: the volume stays abnormal until that is fixed) and what was recreated for {@link Outcome#RESTORED}.
 */
public record ExportRestore(Outcome outcome, String detail) {

    public enum Outcome {
        /** The export was complete; nothing was written. */
        UNCHANGED,
        /** Some or all of the export was missing and has been recreated; its host grants are gone and must be redone. */
        RESTORED,
        /** The export is missing but was left so: exporting now would be wrong (e.g. the backing file is missing). */
        REFUSED
    }

    public static ExportRestore unchanged() {
        return new ExportRestore(Outcome.UNCHANGED, "already exported");
    }

    public static ExportRestore restored(String detail) {
        return new ExportRestore(Outcome.RESTORED, detail);
    }

    public static ExportRestore refused(String why) {
        return new ExportRestore(Outcome.REFUSED, why);
    }
}
