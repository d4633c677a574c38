package dev.tether.controller.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.driver.error.AbortedException;
import org.junit.jupiter.api.Test;

class NamesAndTokensTest {
    @Test
    void validIdsAreKeptOthersAreReducedAndHashed() {
        assertThat(Names.toId("pvc-0b1c2d3e-aaaa-bbbb-cccc-000011112222")).isEqualTo("pvc-0b1c2d3e-aaaa-bbbb-cccc-000011112222");
        assertThat(Names.toId("A")).isNotEqualTo(Names.toId("a")).startsWith("a-");
        assertThat(Names.toId("___")).startsWith("v-").matches("[a-z0-9][a-z0-9._-]{0,99}");
        assertThat(Names.toId("x".repeat(128))).hasSize(80 + 1 + 16);
    }

    @Test
    void tokensRoundTripAndForeignOnesAreAborted() {
        assertThat(PageToken.decode("volumes", PageToken.encode("volumes", "pvc-1"))).isEqualTo("pvc-1");
        assertThat(PageToken.decode("volumes", "")).isEmpty();
        assertThatThrownBy(() -> PageToken.decode("snapshots", PageToken.encode("volumes", "pvc-1"))).isInstanceOf(AbortedException.class);
        assertThatThrownBy(() -> PageToken.decode("volumes", "invalid-token")).isInstanceOf(AbortedException.class);
        assertThatThrownBy(() -> PageToken.decode("volumes", "dm9sdW1lczpOT1QgQU4gSUQ")).isInstanceOf(AbortedException.class);
    }
}
