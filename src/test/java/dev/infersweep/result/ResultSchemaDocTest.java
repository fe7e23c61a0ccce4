package dev.infersweep.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/results-schema.md documents exactly the columns the code writes. */
class ResultSchemaDocTest {
  @Test
  void everyColumnIsDocumentedAndNoOtherIs() throws Exception {
    Path doc = Path.of(System.getProperty("infersweep.project.dir", "."), "docs", "results-schema.md");
    String text = Files.readString(doc);
    // Table rows of the form "| `column` | type | ... |".
    Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9_]+)` \\|").matcher(text);
    Set<String> documented = new java.util.LinkedHashSet<>();
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(documented).containsExactlyInAnyOrderElementsOf(ResultSchema.names());
    // The layers struct's fields, as rows "| `layers.field` | type | ... |".
    Matcher f = Pattern.compile("(?m)^\\| `layers\\.([a-z0-9_]+)` \\|").matcher(text);
    Set<String> fields = new java.util.LinkedHashSet<>();
    while (f.find()) {
      fields.add(f.group(1));
    }
    assertThat(fields).containsExactlyElementsOf(LayerColumn.fieldNames());
  }

  @Test
  void columnNamesAreUniqueSnakeCase() {
    assertThat(ResultSchema.names()).doesNotHaveDuplicates().allMatch(n -> n.matches("[a-z][a-z0-9_]*"));
    assertThat(ResultSchema.names().stream().collect(Collectors.toSet()))
        .contains("latency_p50_ns", "row_id", "status", "error");
  }
}
