package dev.tether.controller.backend;

import picocli.CommandLine.Option;

/** Flags that choose and configure the storage backend (picocli mixin of the controller command). */
public final class BackendOptions {

    @Option(names = "--backend", paramLabel = "KIND", defaultValue = "${env:TETHER_BACKEND:-nvmet}",
            description = "Storage backend: ${COMPLETION-CANDIDATES} (env TETHER_BACKEND; default ${DEFAULT-VALUE}).")
    public BackendKind kind;
}
