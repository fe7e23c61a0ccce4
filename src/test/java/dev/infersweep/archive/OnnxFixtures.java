package dev.infersweep.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The ONNX fixtures' account by the onnx package (initializers.json), for tests in any package. */
public final class OnnxFixtures {
  private OnnxFixtures() {}

  public static List<StoredTensor> account(String name) {
    try {
      JsonNode rows = new ObjectMapper().readTree(Files.readAllBytes(Path.of("src/test/resources/onnx/initializers.json"))).get(name);
      List<StoredTensor> out = new ArrayList<>();
      for (JsonNode row : rows) {
        List<Long> shape = new ArrayList<>();
        row.get("shape").forEach(d -> shape.add(d.asLong()));
        out.add(new StoredTensor(row.get("name").asText(), TensorKind.valueOf(row.get("kind").asText().toUpperCase(Locale.ROOT)),
            TensorType.valueOf(row.get("dtype").asText().toUpperCase(Locale.ROOT)), shape, row.get("numel").asLong(),
            row.get("subnormals").asLong(), row.get("max_abs").isNull() ? 0 : row.get("max_abs").asDouble(),
            row.get("zeros").asLong(), row.get("sum_squares").asDouble()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
