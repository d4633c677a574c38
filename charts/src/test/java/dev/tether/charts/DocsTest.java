package dev.tether.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operator docs follow the design's event and metric names (shared/DESIGN.md §7): a renamed or added metric or
 * event fails here until docs/operate.md, docs/troubleshoot.md and the Grafana dashboard say the same.
 */
class DocsTest {
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

    static String designSection7() throws Exception {
        String design = Files.readString(Repo.design());
        Matcher m = Pattern.compile("(?ms)^## 7\\..*?(?=^## \\d)").matcher(design);
        assertThat(m.find()).as("DESIGN.md has a section 7").isTrue();
        return m.group();
    }

    static Set<String> designMetrics() throws Exception {
        Set<String> metrics = new TreeSet<>();
        BACKTICKED.matcher(designSection7()).results().map(r -> r.group(1)).filter(t -> t.startsWith("tether_"))
                .map(t -> t.replaceAll("\\{.*", "")).forEach(metrics::add);
        return metrics;
    }

    static Set<String> designEvents() throws Exception {
        String events = designSection7().lines().filter(l -> l.startsWith("Events")).findFirst().orElseThrow();
        Set<String> reasons = new TreeSet<>();
        BACKTICKED.matcher(events).results().map(r -> r.group(1)).filter(t -> t.matches("[A-Z][A-Za-z]+"))
                .forEach(reasons::add);
        return reasons;
    }

    /** Rows of operate.md's events table: reason -> type. */
    static List<String[]> operateEventRows() {
        List<String[]> rows = new ArrayList<>();
        Pattern row = Pattern.compile("^\\| `([A-Za-z]+)` \\| (Normal|Warning) \\|");
        Repo.read("docs/operate.md").lines().map(row::matcher).filter(Matcher::find)
                .forEach(m -> rows.add(new String[] {m.group(1), m.group(2)}));
        return rows;
    }

    @Test
    void designNamesAreFound() throws Exception {
        assertThat(designMetrics()).hasSizeGreaterThanOrEqualTo(9).contains("tether_csi_operations_seconds");
        assertThat(designEvents()).hasSizeGreaterThanOrEqualTo(11).contains("AttachmentConflict", "GpuBindFailed");
    }

    @Test
    void operateDocumentsEveryDesignMetricAndEventInItsTables() throws Exception {
        String operate = Repo.read("docs/operate.md");
        for (String metric : designMetrics()) {
            assertThat(operate).as("docs/operate.md metrics table row for " + metric).contains("| `" + metric + "` |");
        }
        List<String> reasons = operateEventRows().stream().map(r -> r[0]).toList();
        assertThat(reasons).as("docs/operate.md events table").containsAll(designEvents()).doesNotHaveDuplicates();
        assertThat(operateEventRows()).filteredOn(r -> r[1].equals("Warning")).extracting(r -> r[0])
                .contains("AttachmentConflict", "MigrationWindowExceeded", "NvmePathLost", "GpuBindFailed");
    }

    @Test
    void troubleshootExplainsEveryWarningEventWithMeaningAndWhatToDo() {
        String troubleshoot = Repo.read("docs/troubleshoot.md");
        List<String> warnings = operateEventRows().stream().filter(r -> r[1].equals("Warning")).map(r -> r[0]).toList();
        assertThat(warnings).isNotEmpty();
        for (String reason : warnings) {
            Matcher section = Pattern.compile("(?ms)^### " + reason + "\\n(.*?)(?=^##)").matcher(troubleshoot);
            assertThat(section.find()).as("docs/troubleshoot.md has a '### " + reason + "' section").isTrue();
            assertThat(section.group(1)).as(reason).contains("**Meaning.**").contains("**What to do.**");
        }
    }

    @Test
    void grafanaDashboardIsValidAndQueriesOnlyTheDesignMetricsCoveringAllOfThem() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Repo.ROOT.resolve("docs/grafana/tether-dashboard.json").toFile());
        assertThat(dashboard.get("title").asText()).isEqualTo("Tether");
        Set<String> known = designMetrics();
        Set<String> used = new TreeSet<>();
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(ids.add(panel.get("id").asInt())).as("unique panel id").isTrue();
            if (panel.get("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
            for (JsonNode target : panel.get("targets")) {
                Matcher m = Pattern.compile("tether_[a-z_]+").matcher(target.get("expr").asText());
                while (m.find()) {
                    String name = m.group().replaceAll("_(bucket|sum|count)$", "");
                    assertThat(known).as("metric " + m.group() + " in panel " + panel.get("title")).contains(name);
                    used.add(name);
                }
            }
        }
        assertThat(used).as("every design metric has a panel").isEqualTo(known);
    }
}
