package dev.infersweep.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.grid.GridLoader;
import dev.infersweep.spark.Sessions;
import dev.infersweep.spark.SweepJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An axis added as docs/architecture.md says (declared in {@code Axes}, a column in
 * {@code ConfigurationColumns}, the results table's configuration group) reaches every view and the report with no other edit: the two sources are
 * edited and compiled here, and {@code jobs/sweep report} runs on a class loader that sees them,
 * over a small real sweep whose rows carry the new axis at two levels.
 */
class AddedAxisTest {
  private static final Path MAIN = Path.of("src/main/java/dev/infersweep");
  private static final String AXIS = "throwaway";

  private static SparkSession spark;
  private static Path root;

  @TempDir static Path tmp;

  @BeforeAll
  static void aSweepWhoseRowsCarryTheNewAxis() {
    spark = Sessions.create("infersweep-added-axis", "local[2]", Map.of("spark.ui.enabled", "false"));
    Path plain = tmp.resolve("plain");
    var grid =
        GridLoader.parse(
            "a.yaml",
            "a",
            """
            data: {samples: 32}
            grid: {epochs: [0, 2], seed: [1, 2, 3], protocol: [rigorous, seed]}
            timing: {batch_sizes: [1], warmup_iterations: 10, warmup_max_seconds: 0.05, min_blocks: 4, max_seconds: 0.1}
            """);
    SweepJob.run(
        spark,
        new SweepJob.Request(grid, plain.toString(), "base", "2026-03-01", false),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    // The same runs at the axis' two levels, as a sweep over it would have them (one run each).
    Dataset<Row> base = spark.read().parquet(plain.toString()).withColumn("sweep_id", lit("axis"));
    Dataset<Row> b =
        base.withColumn(AXIS, lit("b"))
            .withColumn("run_id", concat(col("run_id"), lit("-b")))
            .withColumn("row_id", concat(col("row_id"), lit("-b")));
    root = tmp.resolve("results");
    base.withColumn(AXIS, lit("a")).unionByName(b)
        .write().mode(SaveMode.Append).partitionBy("sweep_date", "sweep_id").parquet(root.toString());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void anAxisAddedAsDocumentedReachesEveryViewAndTheReport() throws Exception {
    Path html = tmp.resolve("report.html");
    try (URLClassLoader withAxis = new ChildFirst(new URL[] {compiledWithTheAxis().toUri().toURL(), mainClasses()})) {
      Object exit =
          withAxis.loadClass("dev.infersweep.cli.Main").getMethod("execute", String[].class)
              .invoke(null, (Object) new String[] {"report", "--results", root.toString(), "--sweep", "axis", "--out", html.toString()});
      assertThat(exit).isEqualTo(0);
    }
    for (String view : List.of("runs", "checkpoints", "causes")) {
      assertThat(spark.table(view).columns()).as(view).contains(AXIS);
    }
    assertThat(spark.table("runs").where(col(AXIS).equalTo("b")).count()).isEqualTo(3);
    // A factor of the effect model, a part of each configuration the verdicts judge, a chart.
    assertThat(saved("effects", "term")).contains(AXIS + "[b]", "log1p_epochs:" + AXIS + "[b]");
    assertThat(saved("verdicts_by_configuration", "configuration"))
        .anyMatch(c -> c.contains(AXIS + "=a")).anyMatch(c -> c.contains(AXIS + "=b"));
    assertThat(Files.readString(html)).contains(AXIS + "[b]", "\"" + AXIS + "\"");
  }

  /** A column of what the report saved under {@code _analysis/<table>} for the sweep. */
  private static List<String> saved(String table, String column) {
    return spark.read().parquet(root.resolve("_analysis/" + table + "/sweep_id=axis").toString())
        .select(column).as(Encoders.STRING()).collectAsList();
  }

  /** {@code Axes} and the configuration columns with the new axis, compiled into a folder of their own. */
  private static Path compiledWithTheAxis() throws IOException {
    Path sources = tmp.resolve("src");
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    String declared = "  /** Every axis, in expansion order. */";
    Path axes = edited(sources, "spec/Axes.java",
        declared,
        "  public static final Axis<String> THROWAWAY =\n"
            + "      Axis.of(\"" + AXIS + "\", \"" + AXIS + "\", Level.RUN, new Words<>(List.of(\"a\", \"b\"), w -> w), List.of(\"a\"))\n"
            + "          .optInIdOnlyWhenChanged();\n\n" + declared,
        "SEED, EPOCHS", "SEED, THROWAWAY, EPOCHS");
    String column = "    c.add(new Column(\"learning_rate\"";
    Path schema = edited(sources, "result/ConfigurationColumns.java",
        column, "    c.add(new Column(\"" + AXIS + "\", DataTypes.StringType, r -> r.value(Axes.THROWAWAY)));\n" + column);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    int rc = javac.run(null, null, null, "-proc:none", "-nowarn", "-cp", classPath, "-d", classes.toString(),
        axes.toString(), schema.toString());
    assertThat(rc).as("javac").isZero();
    return classes;
  }

  /** {@code file} of the main sources, each text of {@code fromTo}'s pairs, found once, replaced by the next. */
  private static Path edited(Path sources, String file, String... fromTo) throws IOException {
    String text = Files.readString(MAIN.resolve(file));
    for (int i = 0; i < fromTo.length; i += 2) {
      assertThat(text.split(java.util.regex.Pattern.quote(fromTo[i]), -1)).as("%s in %s", fromTo[i], file).hasSize(2);
      text = text.replace(fromTo[i], fromTo[i + 1]);
    }
    Path out = sources.resolve(file);
    Files.createDirectories(out.getParent());
    Files.writeString(out, text);
    return out;
  }

  private static URL mainClasses() {
    return Views.class.getProtectionDomain().getCodeSource().getLocation();
  }

  /** Loads infersweep's own classes itself, the edited ones first; everything else from the test's loader. */
  private static final class ChildFirst extends URLClassLoader {
    ChildFirst(URL[] urls) {
      super(urls, AddedAxisTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("dev.infersweep.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
