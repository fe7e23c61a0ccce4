package dev.infersweep;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph reads top-down as the data flows: cli → spark / analysis → grid → run → the
 * executor stages (train, timing, probe, precision) → values (result, stats) → leaves (spec,
 * engine, error). No cycles, no upward imports. {@code bench} sits beside the driver: it times the
 * stages directly and through Spark, and only the CLI uses it.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.infersweep");
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.infersweep.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void packagesOnlyImportDownwards() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("cli").definedBy("dev.infersweep.cli..")
        .layer("bench").definedBy("dev.infersweep.bench..")
        .layer("driver").definedBy("dev.infersweep.spark..", "dev.infersweep.analysis..")
        .layer("grid").definedBy("dev.infersweep.grid..")
        .layer("run").definedBy("dev.infersweep.run..")
        .layer("stages")
        .definedBy(
            "dev.infersweep.train..", "dev.infersweep.read..", "dev.infersweep.timing..", "dev.infersweep.probe..",
            "dev.infersweep.precision..")
        .layer("values").definedBy("dev.infersweep.result..", "dev.infersweep.stats..")
        .layer("leaves").definedBy(
            "dev.infersweep.spec..", "dev.infersweep.net..", "dev.infersweep.engine..", "dev.infersweep.error..",
            "dev.infersweep.archive..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("bench").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("driver").mayOnlyBeAccessedByLayers("cli", "bench")
        .whereLayer("grid").mayOnlyBeAccessedByLayers("cli", "driver", "bench")
        .whereLayer("run").mayOnlyBeAccessedByLayers("driver", "bench")
        .whereLayer("stages").mayOnlyBeAccessedByLayers("run", "bench")
        .whereLayer("values").mayOnlyBeAccessedByLayers("cli", "driver", "run", "stages", "bench")
        .check(classes);
  }

  @Test
  void analysisAndTheSweepDriverAreIndependent() {
    noClasses()
        .that().resideInAPackage("dev.infersweep.analysis..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.infersweep.spark..", "dev.infersweep.run..")
        .check(classes);
    noClasses()
        .that().resideInAPackage("dev.infersweep.spark..")
        .should().dependOnClassesThat().resideInAPackage("dev.infersweep.analysis..")
        .check(classes);
  }

  @Test
  void leavesDependOnNoOtherPackageOfOurs() {
    for (String leaf : new String[] {"net", "engine", "error", "archive"}) {
      noClasses()
          .that().resideInAPackage("dev.infersweep." + leaf + "..")
          .should().dependOnClassesThat()
          // The engine binds libtorch's flush-to-zero switch with JNA (engine.FlushToZero); the
          // archive reads TorchScript's pickle with the unpickler Spark ships (net.razorvine); the
          // engine starts ONNX Runtime (engine.OnnxRuntime).
          .resideOutsideOfPackages("dev.infersweep." + leaf + "..", "java..", "javax..",
              leaf.equals("archive") ? "net.razorvine.." : "ai.djl..",
              leaf.equals("engine") ? "com.sun.jna.." : "java..",
              leaf.equals("engine") ? "ai.onnxruntime.." : "java..")
          .check(classes);
    }
    // The work's description holds its network: spec may read net, and nothing else of ours.
    noClasses()
        .that().resideInAPackage("dev.infersweep.spec..")
        .should().dependOnClassesThat()
        .resideOutsideOfPackages("dev.infersweep.spec..", "dev.infersweep.net..", "java..", "javax..", "ai.djl..")
        .check(classes);
  }

  @Test
  void onlyTheCommandLineKnowsExitCodes() {
    noClasses()
        .that().resideOutsideOfPackage("dev.infersweep.cli..")
        .should().dependOnClassesThat().resideInAPackage("picocli..")
        .check(classes);
  }

  private static final Path MAIN_SOURCES = Path.of("src/main/java/dev/infersweep");
  private static final int MAX_FILE_LINES = 300;
  private static final int MAX_METHOD_LINES = 60;

  /**
   * No main source file over {@value #MAX_FILE_LINES} lines and no method or constructor over
   * {@value #MAX_METHOD_LINES}, counted on the source with the JDK's own parser: a method from its
   * first annotation or modifier to its closing brace (its Javadoc not counted; lambdas, anonymous
   * and local classes in it counted).
   */
  @Test
  void filesAndMethodsStayWithinTheirSizeLimits() throws IOException {
    assertThat(oversized(MAIN_SOURCES))
        .as("files over %d lines or methods over %d lines (split them by responsibility)", MAX_FILE_LINES, MAX_METHOD_LINES)
        .isEmpty();
  }

  /** Every file and method under {@code root} over its limit, as {@code path} or {@code path#method}. */
  static Set<String> oversized(Path root) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Set<String> over = new TreeSet<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null)) {
      JavacTask task =
          (JavacTask) javac.getTask(null, fm, null, List.of("-proc:none"), null, fm.getJavaFileObjectsFromPaths(files));
      SourcePositions positions = Trees.instance(task).getSourcePositions();
      for (CompilationUnitTree unit : task.parse()) {
        Path file = Path.of(unit.getSourceFile().toUri());
        String name = root.toAbsolutePath().relativize(file.toAbsolutePath()).toString().replace('\\', '/');
        if (Files.readAllLines(file).size() > MAX_FILE_LINES) {
          over.add(name);
        }
        LineMap lines = unit.getLineMap();
        List<String> methods = new ArrayList<>();
        new TreeScanner<Void, Void>() {
          @Override
          public Void visitMethod(MethodTree method, Void unused) {
            long first = lines.getLineNumber(positions.getStartPosition(unit, method));
            long last = lines.getLineNumber(positions.getEndPosition(unit, method));
            if (last - first + 1 > MAX_METHOD_LINES) {
              methods.add(name + "#" + method.getName());
            }
            return super.visitMethod(method, unused);
          }
        }.scan(unit, null);
        over.addAll(methods);
      }
    }
    return over;
  }
}
