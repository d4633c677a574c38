package dev.tether.driver.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliConvertersTest {

    @Test
    void durations() {
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> DurationConverter.parse("ten")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'ten'");
    }

    @Test
    void listenAddresses() {
        assertThat(ListenAddress.parse(":9810").address()).hasValueSatisfying(a -> assertThat(a.getPort()).isEqualTo(9810));
        assertThat(ListenAddress.parse("127.0.0.1:0").address()).hasValueSatisfying(a -> assertThat(a.getHostString()).isEqualTo("127.0.0.1"));
        assertThat(ListenAddress.parse("").address()).isEmpty();
        assertThatThrownBy(() -> ListenAddress.parse("localhost")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> ListenAddress.parse(":70000")).hasMessageContaining("out of range");
    }

    @Test
    void logLevels() {
        assertThat(new LogLevelConverter().convert("DEBUG")).isEqualTo("debug");
        assertThatThrownBy(() -> new LogLevelConverter().convert("loud")).hasMessageContaining("'loud'");
    }
}
