package dev.infersweep.analysis;

import dev.infersweep.error.ConfigException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/**
 * Decides, from Spark's own parse of a statement and before anything runs, whether it only reads:
 * a query (SELECT, WITH, VALUES, TABLE, FROM), or SHOW, DESCRIBE or EXPLAIN. Anything that writes,
 * drops, caches, adds jars, changes configuration or calls Java methods by reflection is refused
 * with one line saying so.
 */
public final class ReadOnlyQuery {
  private static final List<String> QUERY_STARTS = List.of("SELECT", "WITH", "VALUES", "TABLE", "FROM", "(");
  private static final List<String> INSPECTION_STARTS = List.of("SHOW", "DESCRIBE", "DESC", "EXPLAIN");
  private static final Pattern REFLECTION =
      Pattern.compile("(?i)\\b(try_reflect|reflect|java_method)\\s*\\(");
  private static final Pattern LEADING_COMMENTS = Pattern.compile("^(\\s+|--[^\\n]*(\\n|$)|/\\*.*?\\*/)*", Pattern.DOTALL);

  private ReadOnlyQuery() {}

  /**
   * Refuses {@code sql} unless it only reads.
   *
   * @throws ConfigException naming what was refused
   */
  public static void check(SparkSession spark, String sql) {
    String body = LEADING_COMMENTS.matcher(sql).replaceFirst("");
    String first = body.isEmpty() ? "" : body.split("[\\s(]", 2)[0].toUpperCase(Locale.ROOT);
    if (body.startsWith("(")) {
      first = "(";
    }
    boolean inspection = INSPECTION_STARTS.contains(first);
    if (!inspection && !QUERY_STARTS.contains(first)) {
      throw refused(first.isEmpty() ? "an empty statement" : first + " statements");
    }
    if (REFLECTION.matcher(sql).find()) {
      throw refused("reflect/java_method (they call Java methods)");
    }
    LogicalPlan plan;
    try {
      plan = spark.sessionState().sqlParser().parsePlan(sql);
    } catch (Exception e) {
      // A ParseException (checked in Java's eyes): the user's to fix.
      throw new ConfigException("query: " + ResultsTable.firstLine(e));
    }
    String root = plan.getClass().getSimpleName();
    if (inspection) {
      if (!(root.startsWith("Show") || root.startsWith("Describe") || root.equals("ExplainCommand"))) {
        throw refused(root);
      }
      return;
    }
    Deque<LogicalPlan> pending = new ArrayDeque<>();
    pending.push(plan);
    while (!pending.isEmpty()) {
      LogicalPlan node = pending.pop();
      String name = node.getClass().getSimpleName();
      // FROM t INSERT ... and WITH ... INSERT are statements that start like queries.
      if (node instanceof Command || name.startsWith("Insert") || name.contains("Statement")) {
        throw refused(name);
      }
      scala.collection.Iterator<LogicalPlan> children = node.children().iterator();
      while (children.hasNext()) {
        pending.push(children.next());
      }
    }
  }

  private static ConfigException refused(String what) {
    return new ConfigException(
        "query: refused " + what + ": sql is read-only (SELECT, WITH, VALUES, TABLE, FROM, SHOW, DESCRIBE, EXPLAIN)");
  }
}
