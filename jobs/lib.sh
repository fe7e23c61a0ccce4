# Shared by jobs/*: locations, the build-on-first-use step, and the JVM flags Spark needs.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -n 1)"
JAR="$ROOT/target/infersweep-$VERSION.jar"
SPARK_JARS="$ROOT/target/spark-jars"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# What the jar is built from: the pom, src/main (code and src/main/resources) and every resource
# directory the pom packages (conf/sql, say), read from the pom so that a new one is not forgotten.
jar_inputs() {
  echo "$ROOT/pom.xml"
  echo "$ROOT/src/main"
  sed -n 's:^ *<directory>\(.*\)</directory> *$:\1:p' "$ROOT/pom.xml" | sed "s:^\([^/]\):$ROOT/\1:"
}

# Builds the cluster jar and Spark's jars when either is missing, or rebuilds the jar when anything
# it is built from is newer than it (running yesterday's code on today's checkout is a silent lie).
ensure_built() {
  local inputs
  mapfile -t inputs < <(jar_inputs)
  if [[ ! -f "$JAR" || ! -d "$SPARK_JARS" ]]; then
    echo "[infersweep] building $JAR (first use; takes a minute) ..." >&2
    (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
  elif [[ -n "$(find "${inputs[@]}" -newer "$JAR" -type f -print -quit 2>/dev/null)" ]]; then
    echo "[infersweep] sources changed since $JAR was built; rebuilding ..." >&2
    (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
  fi
}

# The --add-opens flags Spark needs on Java 17, one per array element.
mapfile -t SPARK_JAVA_OPTS < <(grep -v '^\s*#' "$ROOT/conf/java-options" | sed '/^\s*$/d')
