package dev.infersweep.spec;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * Where a run's training samples come from: generated from a seed, or a table the driver read
 * (docs/configuration.md, {@code data}).
 */
public sealed interface DataSpec extends Serializable permits DataSpec.Synthetic, DataSpec.Table {
  /** Samples of the fixed training set (for fresh data: of the fixed set the checkpoints evaluate on). */
  int samples();

  /** Whether every optimiser step draws new samples instead of passing over a fixed set. */
  default boolean fresh() {
    return false;
  }

  /** The data in the canonical text of run ids. */
  String canonical();

  /** How synthetic features (and regression targets) are drawn. */
  enum Distribution {
    /** Standard normal, as {@code torch.randn}: the article's. */
    NORMAL,
    /** Uniform on [0, 1), as {@code torch.rand}. */
    UNIFORM;

    public String label() {
      return Labels.of(this);
    }

    public static Distribution parse(String label) {
      return Labels.parse(Distribution.class, label);
    }

    public static List<String> labels() {
      return Labels.all(Distribution.class);
    }
  }

  /**
   * Samples drawn from a seeded Java generator, the same on every executor. Classification labels
   * are uniform class indices; regression targets follow {@code distribution}.
   *
   * @param fresh draw a new minibatch for every step (PyTorch #58220's set-up)
   */
  record Synthetic(Distribution distribution, int samples, long seed, boolean fresh) implements DataSpec {
    /** The article's: standard-normal features, a fixed set. */
    public static Synthetic article(int samples, long seed) {
      return new Synthetic(Distribution.NORMAL, samples, seed, false);
    }

    @Override
    public String canonical() {
      // The article's data keeps the text it always had, so existing runs keep their ids.
      String text = String.format(Locale.ROOT, "samples=%d;data_seed=%d;", samples, seed);
      if (distribution != Distribution.NORMAL) {
        text += "data=" + distribution.label() + ";";
      }
      return fresh ? text + "fresh;" : text;
    }
  }

  /**
   * A table the driver read once and ships to the tasks; {@code rows} and {@code digest} are known
   * once it has been read ({@link #read}).
   *
   * @param path any Hadoop path of a Parquet file or folder
   * @param features the feature columns, in order
   * @param label the label column
   * @param rows its rows, 0 until read
   * @param digest SHA-256 prefix of its values, null until read: the run ids hash it, so a changed
   *     table gives new runs
   */
  record Table(String path, List<String> features, String label, int rows, String digest) implements DataSpec {
    /**
     * The most values a table may hold, rows × (features + 1): ten million floats, 40 MB as the
     * driver holds them and as each executor receives the broadcast. A larger table is refused when
     * read (docs/configuration.md, {@code data}).
     */
    public static final long MAX_VALUES = 10_000_000L;

    public Table {
      features = List.copyOf(features);
    }

    /** Whether the driver has read it ({@link #read}): only then do its runs have ids. */
    public boolean isRead() {
      return digest != null;
    }

    /** The same table, read: its row count and content digest. */
    public Table read(int rowCount, String contentDigest) {
      return new Table(path, features, label, rowCount, contentDigest);
    }

    @Override
    public int samples() {
      return rows;
    }

    @Override
    public String canonical() {
      return "table=" + digest + ";rows=" + rows + ";";
    }
  }
}
