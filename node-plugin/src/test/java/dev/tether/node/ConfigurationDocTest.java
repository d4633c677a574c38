package dev.tether.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.testing.CliReference;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists exactly the flags the node has, with their environment variables and defaults. */
class ConfigurationDocTest {

    @Test
    void configurationReferenceMatchesTheFlags() throws Exception {
        String expected = CliReference.table(new NodeMain());
        assertThat(CliReference.section(CliReference.docs("configuration.md"), "node", expected))
                .as("docs/configuration.md is out of date: regenerate it with -Dtether.updateDocs=true (see the top of the file)")
                .isEqualTo(expected);
    }
}
