/**
 * Reading results back: {@link dev.infersweep.analysis.ResultsTable} registers every sweep under a
 * results folder as the Spark SQL view {@code trials}, and {@link dev.infersweep.analysis.SqlQuery}
 * runs a query over it and formats the answer as a table, CSV or JSON lines.
 */
package dev.infersweep.analysis;
