package dev.tether.node.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClaimRefTest {
    @Test
    void aClaimNeedsItsNameAndNamespaceThePvIsOptional() {
        assertThat(ClaimRef.from(Map.of("pvcName", "data", "pvcNamespace", "shop", "pvName", "pvc-1")))
                .contains(new ClaimRef("shop", "data", Optional.of("pvc-1")));
        assertThat(ClaimRef.from(Map.of("pvcName", "data", "pvcNamespace", "shop")))
                .contains(new ClaimRef("shop", "data", Optional.empty()));
        assertThat(ClaimRef.from(Map.of("pvcName", "data"))).isEmpty();
        assertThat(ClaimRef.from(Map.of())).isEmpty();
    }

    @Test
    void namesKubernetesCouldNotHaveMadeNameNoClaim() {
        assertThat(ClaimRef.from(Map.of("pvcName", "Data", "pvcNamespace", "shop"))).isEmpty();
        assertThat(ClaimRef.from(Map.of("pvcName", "data", "pvcNamespace", "../etc"))).isEmpty();
        assertThat(ClaimRef.from(Map.of("pvcName", "x".repeat(254), "pvcNamespace", "shop"))).isEmpty();
        assertThat(ClaimRef.from(Map.of("pvcName", "data", "pvcNamespace", "shop", "pvName", "bad name")))
                .as("a bad PV name only loses the PV event").contains(new ClaimRef("shop", "data", Optional.empty()));
    }
}
