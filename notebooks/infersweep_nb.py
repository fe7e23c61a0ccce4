"""The notebooks' way into infersweep results: the same Spark SQL views the CLI uses.

Where the kernel has PySpark (a user's Jupyter on a cluster), it uses PySpark's ``spark``. Elsewhere
it starts a JVM with JPype (Debian's python3-jpype) and the project's own jars, since PyPI and so
PySpark cannot be had everywhere. Either way, ``Results.sql(query)`` returns a pandas DataFrame.

The results folder comes from ``INFERSWEEP_RESULTS`` (a results root, as written by
``jobs/sweep run --out``).
"""

import glob
import json
import os

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VIEWS = ["measured", "rigorous", "article", "runs", "checkpoints", "causes"]


def results_dir():
    """The results root named by INFERSWEEP_RESULTS; a clear error when it is unset or missing."""
    path = os.environ.get("INFERSWEEP_RESULTS")
    if not path:
        raise RuntimeError("set INFERSWEEP_RESULTS to a results folder (jobs/sweep run --out DIR)")
    if not os.path.isdir(path):
        raise RuntimeError(f"INFERSWEEP_RESULTS={path}: no such folder")
    return os.path.abspath(path)


class Results:
    """A results folder registered as the views trials, measured, rigorous, article, runs, checkpoints, causes."""

    def __init__(self, path=None):
        self.path = path or results_dir()
        try:
            from pyspark.sql import SparkSession  # noqa: F401  (a kernel with PySpark)
            self._backend = _PySpark(self.path)
        except ImportError:
            self._backend = _JPype(self.path)
        self.engine = self._backend.name

    def sql(self, query):
        """Runs a Spark SQL query over the views; the answer as a pandas DataFrame."""
        return self._backend.sql(query)

    def close(self):
        """Stops the Spark session (a PySpark session the kernel already had is left running)."""
        self._backend.close()

    def parquet(self, relative):
        """A Parquet folder under the results root (e.g. ``_analysis/verdicts``), or None if absent."""
        path = os.path.join(self.path, relative)
        if not os.path.isdir(path):
            return None
        return self._backend.sql(f"SELECT * FROM parquet.`{path}`")


def _view_sql(name):
    with open(os.path.join(ROOT, "conf", "sql", f"{name}.sql"), encoding="utf-8") as f:
        return f.read()


class _PySpark:
    name = "pyspark"

    def __init__(self, path):
        from pyspark.sql import SparkSession

        self.spark = SparkSession.builder.appName("infersweep notebook").getOrCreate()
        self.spark.conf.set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        sweeps = sorted(glob.glob(os.path.join(path, "sweep_date=*", "sweep_id=*")))
        if not sweeps:
            raise RuntimeError(f"{path}: holds no sweep")
        (self.spark.read.option("basePath", path).option("pathGlobFilter", "*.parquet")
         .parquet(*sweeps).createOrReplaceTempView("trials"))
        for view in VIEWS:
            self.spark.sql(_view_sql(view)).createOrReplaceTempView(view)

    def sql(self, query):
        return self.spark.sql(query).toPandas()

    def close(self):
        pass


class _JPype:
    name = "jvm (JPype)"

    def __init__(self, path):
        import jpype

        if not jpype.isJVMStarted():
            jars = glob.glob(os.path.join(ROOT, "target", "infersweep-*.jar"))
            jars = [j for j in jars if "original" not in os.path.basename(j)]
            spark_jars = os.path.join(ROOT, "target", "spark-jars")
            if not jars or not os.path.isdir(spark_jars):
                raise RuntimeError("build the project first: mvn -B -DskipTests package")
            classpath = [jars[0], os.path.join(spark_jars, "*")]
            classpath += glob.glob("/usr/share/java/org.jpype.jar")
            with open(os.path.join(ROOT, "conf", "java-options"), encoding="utf-8") as f:
                options = [line.strip() for line in f if line.strip() and not line.startswith("#")]
            jpype.startJVM(
                *options,
                "-Xmx2g",
                "-Dlog4j2.configurationFile=" + os.path.join(ROOT, "conf", "log4j2.properties"),
                classpath=classpath,
                convertStrings=True,
            )
        sessions = jpype.JClass("dev.infersweep.spark.Sessions")
        views = jpype.JClass("dev.infersweep.analysis.Views")
        conf = jpype.JClass("java.util.HashMap")()
        self.spark = sessions.create("infersweep notebook", "local[2]", conf)
        views.register(self.spark, path)

    def close(self):
        self.spark.stop()

    def sql(self, query):
        frame = self.spark.sql(query)
        columns = [str(c) for c in frame.columns()]
        rows = [json.loads(str(r)) for r in frame.toJSON().collectAsList()]
        return pd.DataFrame.from_records(rows, columns=columns)
