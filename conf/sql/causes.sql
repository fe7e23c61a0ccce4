-- View `causes`: one row per sweep, CPU model, configuration (every setting but the seed),
-- precision, batch size and checkpoint past epoch 0, over the rigorous rows: the slowdown, how many
-- of its runs have it beyond the ±2 % band, the cause most of its runs point to (the `cause`
-- column, rules in docs/analysis.md), the control ratios that show it, the flush-to-zero twin and
-- the shares of the slowdown each control explains (means over the runs that have them).
-- ${configuration_axes}: every axis spec.Axes declares but the seed, epochs and protocol,
-- comma-separated; infersweep fills it in (analysis.AxisColumns) before Spark reads the query.
SELECT
  sweep_id, grid_name, cpu_model, ${configuration_axes}, epochs, runs, latency_ratio,
  latency_ratio_min, latency_ratio_max, beyond_band_runs, cause,
  size(filter(all_causes, c -> c = cause))                           AS cause_runs,
  subnormal_zeroed_ratio, rescaled_latency_ratio, aa_ratio, aa_latency_ratio,
  flushed_latency_ratio, flushed_vs_trained, flush_unavailable_runs, flush_unavailable,
  explained_by_subnormal_weights, explained_by_subnormal_arithmetic, explained_by_placement,
  unexplained_share,
  weight_subnormal_fraction, timed_product_subnormal_fraction, timed_fc2_product_subnormal_fraction,
  rescale_complete_runs,
  CASE cause
    WHEN 'subnormal_weights'    THEN 'zeroing the subnormal weights: subnormal_zeroed_ratio ' || coalesce(format_number(subnormal_zeroed_ratio, 3), '?')
    WHEN 'subnormal_arithmetic' THEN CASE WHEN flushed_latency_ratio IS NOT NULL
                                          THEN 'flush-to-zero: flushed_latency_ratio ' || format_number(flushed_latency_ratio, 3)
                                          ELSE 'the rescale twin: rescaled_latency_ratio ' || coalesce(format_number(rescaled_latency_ratio, 3), '?') END
    WHEN 'subnormal_mixed'      THEN 'zeroing the subnormal weights: subnormal_zeroed_ratio ' || coalesce(format_number(subnormal_zeroed_ratio, 3), '?')
                                     || CASE WHEN flushed_latency_ratio IS NOT NULL
                                          THEN ', flush-to-zero: flushed_latency_ratio ' || format_number(flushed_latency_ratio, 3)
                                          ELSE ', the rescale twin: rescaled_latency_ratio ' || coalesce(format_number(rescaled_latency_ratio, 3), '?') END
    WHEN 'placement'            THEN 'the A/A copies: aa_ratio ' || coalesce(format_number(aa_ratio, 3), '?') || ', aa_latency_ratio ' || coalesce(format_number(aa_latency_ratio, 3), '?')
    WHEN 'unexplained'          THEN 'no control restores the speed'
    ELSE ''
  END                                                                AS shown_by
FROM (
  SELECT
    sweep_id, grid_name, coalesce(cpu_model, '?') AS cpu_model, ${configuration_axes}, epochs,
    count(*)                                                       AS runs,
    exp(avg(ln(latency_ratio)))                                    AS latency_ratio,
    min(latency_ratio)                                             AS latency_ratio_min,
    max(latency_ratio)                                             AS latency_ratio_max,
    count_if(cause <> 'none')                                      AS beyond_band_runs,
    mode(cause)                                                    AS cause,
    collect_list(cause)                                            AS all_causes,
    exp(avg(ln(subnormal_zeroed_ratio)))                           AS subnormal_zeroed_ratio,
    exp(avg(ln(rescaled_latency_ratio)))                           AS rescaled_latency_ratio,
    exp(avg(ln(aa_ratio)))                                         AS aa_ratio,
    exp(avg(ln(aa_latency_ratio)))                                 AS aa_latency_ratio,
    exp(avg(ln(flushed_latency_ratio)))                            AS flushed_latency_ratio,
    exp(avg(ln(flushed_vs_trained)))                               AS flushed_vs_trained,
    count_if(flush_unavailable IS NOT NULL)                        AS flush_unavailable_runs,
    first(flush_unavailable, true)                                 AS flush_unavailable,
    avg(explained_by_subnormal_weights)                            AS explained_by_subnormal_weights,
    avg(explained_by_subnormal_arithmetic)                         AS explained_by_subnormal_arithmetic,
    avg(explained_by_placement)                                    AS explained_by_placement,
    avg(unexplained_share)                                         AS unexplained_share,
    avg(weight_subnormal_fraction)                                 AS weight_subnormal_fraction,
    avg(timed_product_subnormal_fraction)                          AS timed_product_subnormal_fraction,
    avg(timed_fc2_product_subnormal_fraction)                      AS timed_fc2_product_subnormal_fraction,
    count_if(rescale_complete)                                     AS rescale_complete_runs
  FROM rigorous
  WHERE epochs > 0 AND cause IS NOT NULL
  GROUP BY sweep_id, grid_name, coalesce(cpu_model, '?'), ${configuration_axes}, epochs
)
