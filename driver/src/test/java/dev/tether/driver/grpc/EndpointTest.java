package dev.tether.driver.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void parsesUnixAndTcp() {
        assertThat(Endpoint.parse("unix:///run/tether/csi.sock")).isEqualTo(new Endpoint.Unix(Path.of("/run/tether/csi.sock")));
        assertThat(Endpoint.parse("tcp://127.0.0.1:10000")).isEqualTo(new Endpoint.Tcp("127.0.0.1", 10000));
        assertThat(Endpoint.parse("tcp://[::1]:7")).isEqualTo(new Endpoint.Tcp("::1", 7));
        assertThat(Endpoint.parse("unix:///a/b.sock").toString()).isEqualTo("unix:///a/b.sock");
    }

    @Test
    void rejectsWithAMessageThatSaysWhy() {
        assertThatThrownBy(() -> Endpoint.parse("foo://x")).hasMessageContaining("unsupported scheme");
        assertThatThrownBy(() -> Endpoint.parse("unix://relative.sock")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> Endpoint.parse("tcp://host")).hasMessageContaining("host and a port");
        assertThatThrownBy(() -> Endpoint.parse("tcp://host:99999")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Endpoint.parse("")).hasMessageContaining("empty");
    }
}
