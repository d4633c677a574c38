package dev.tether.driver.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdsTest {
    private static final String NQN = "nqn.2014-08.org.nvmexpress:uuid:4c4c4544-0042-4d10-8036-b4c04f4e3432";

    @Test
    void nodeIdCarriesTheHostNqnAndRoundTrips() {
        NodeId id = NodeId.parse("worker-1/" + NQN);
        assertThat(id.nodeName()).isEqualTo("worker-1");
        assertThat(id.hostNqn().value()).isEqualTo(NQN);
        assertThat(NodeId.parse(id.value())).isEqualTo(id);
    }

    @Test
    void badIdsAreRefusedWithTheValueInTheMessage() {
        assertThatThrownBy(() -> NodeId.parse("worker-1")).hasMessageContaining("'worker-1'");
        assertThatThrownBy(() -> NodeId.parse("Worker_1/" + NQN)).hasMessageContaining("Worker_1");
        assertThatThrownBy(() -> NodeId.parse("a".repeat(150) + "/" + NQN)).hasMessageContaining("192");
        assertThatThrownBy(() -> new Nqn("iqn.2001-04.com.example:x")).hasMessageContaining("not an NQN");
        assertThatThrownBy(() -> new VolumeId("../etc")).hasMessageContaining("'../etc'");
        assertThat(new VolumeId("pvc-0a1b").value()).isEqualTo("pvc-0a1b");
    }
}
