package dev.tether.driver.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import csi.v1.IdentityGrpc;
import java.util.regex.Pattern;

/** CSI spec rules for the Identity service that every Tether process must pass. */
public final class IdentityRules {
    /** Spec: the name follows domain name notation and is at most 63 characters. */
    private static final Pattern DOMAIN_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    private IdentityRules() {
    }

    public static void check(IdentityGrpc.IdentityBlockingStub identity, boolean servesController) {
        Csi.GetPluginInfoResponse info = identity.getPluginInfo(Csi.GetPluginInfoRequest.getDefaultInstance());
        assertThat(info.getName()).as("plugin name").matches(DOMAIN_NAME).hasSizeLessThanOrEqualTo(63);
        assertThat(info.getVendorVersion()).as("vendor_version is required").isNotBlank();

        var capabilities = identity.getPluginCapabilities(Csi.GetPluginCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList();
        boolean advertisesController = capabilities.stream().anyMatch(c -> c.hasService()
                && c.getService().getType() == Csi.PluginCapability.Service.Type.CONTROLLER_SERVICE);
        assertThat(advertisesController).as("CONTROLLER_SERVICE advertised exactly when the Controller service is served")
                .isEqualTo(servesController);
        assertThat(capabilities).as("no UNKNOWN capability types").noneMatch(c -> c.hasService()
                && c.getService().getType() == Csi.PluginCapability.Service.Type.UNKNOWN);

        assertThat(identity.probe(Csi.ProbeRequest.getDefaultInstance())).isNotNull();
    }
}
