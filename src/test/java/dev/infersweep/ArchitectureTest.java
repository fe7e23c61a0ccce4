package dev.infersweep;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
            "dev.infersweep.train..", "dev.infersweep.timing..", "dev.infersweep.probe..", "dev.infersweep.precision..")
        .layer("values").definedBy("dev.infersweep.result..", "dev.infersweep.stats..")
        .layer("leaves").definedBy("dev.infersweep.spec..", "dev.infersweep.net..", "dev.infersweep.engine..", "dev.infersweep.error..")
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
    for (String leaf : new String[] {"net", "engine", "error"}) {
      noClasses()
          .that().resideInAPackage("dev.infersweep." + leaf + "..")
          .should().dependOnClassesThat()
          // The engine binds libtorch's flush-to-zero switch with JNA (engine.FlushToZero).
          .resideOutsideOfPackages("dev.infersweep." + leaf + "..", "java..", "javax..", "ai.djl..",
              leaf.equals("engine") ? "com.sun.jna.." : "java..")
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
}
