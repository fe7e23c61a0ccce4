package dev.infersweep.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The TorchScript fixtures of src/test/resources/torchscript/ and tensors.json, PyTorch's own account
 * of each (made by jobs/reference/make_torchscript_fixtures.py).
 */
public final class Fixtures {
  /** Every fixture, in tensors.json's order. */
  public static final List<String> ALL =
      List.of("conv.pt", "mlp.pt", "no_parameters.pt", "bn_mlp.pt", "bn_mlp_fp16.pt", "bn_mlp_bf16.pt", "views.pt",
          "lstm.pt", "transformer.pt", "embedding_mlp.pt", "ids_mask.pt", "recommender.pt");
  /** The fixtures with planted subnormal values. */
  public static final List<String> SUBNORMAL = List.of("bn_mlp.pt", "bn_mlp_fp16.pt", "bn_mlp_bf16.pt", "views.pt");

  private Fixtures() {}

  public static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/torchscript/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no test resource torchscript/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** PyTorch's state_dict() account of a fixture, as StoredTensors (max |value| NaN where PyTorch gave null). */
  public static List<StoredTensor> pytorchAccount(String name) {
    try {
      JsonNode rows = new ObjectMapper().readTree(bytes("tensors.json")).get(name);
      if (rows == null) {
        throw new IllegalStateException("tensors.json has no " + name);
      }
      List<StoredTensor> out = new ArrayList<>();
      for (JsonNode row : rows) {
        List<Long> shape = new ArrayList<>();
        row.get("shape").forEach(d -> shape.add(d.asLong()));
        out.add(new StoredTensor(row.get("name").asText(),
            TensorKind.valueOf(row.get("kind").asText().toUpperCase(java.util.Locale.ROOT)),
            TensorType.valueOf(row.get("dtype").asText().toUpperCase(java.util.Locale.ROOT)), shape,
            row.get("numel").asLong(), row.get("subnormals").asLong(),
            row.get("max_abs").isNull() ? Double.NaN : row.get("max_abs").asDouble(),
            row.get("zeros").asLong(), row.get("sum_squares").asDouble()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
