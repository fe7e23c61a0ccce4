/**
 * Reading results back and answering the question: {@link dev.infersweep.analysis.ResultsTable}
 * registers every sweep under a results folder as the view {@code trials} and
 * {@link dev.infersweep.analysis.Views} the views built on it ({@code conf/sql/});
 * {@link dev.infersweep.analysis.SqlQuery} runs a user's query; {@link dev.infersweep.analysis.Verdicts}
 * decides the article's claims, {@link dev.infersweep.analysis.EffectModel} fits the effect model,
 * {@link dev.infersweep.analysis.Compare} compares two sweeps (its rows read by {@code CompareRows}, the
 * paired-ratio question answered by {@code RatioQuestion}, its text by {@code CompareTable});
 * {@link dev.infersweep.analysis.ReportData}
 * collects a sweep's figures as plain values and {@link dev.infersweep.analysis.ReportPage} renders
 * them from a template (read models' rows by {@code ReportReadModels});
 * {@link dev.infersweep.analysis.Answer} is the few lines a run ends with (its findings by
 * {@code AnswerFindings}); {@link dev.infersweep.analysis.Analysis} saves verdicts, effects and
 * comparisons as Parquet.
 */
package dev.infersweep.analysis;
