-- View `checkpoints`: one row per (sweep, run, epoch checkpoint, precision): the model's state and
-- the latency ratios of both protocols, averaged over batch sizes (geometric mean).
-- ${run_axes}: every run-level axis spec.Axes declares (the seed included), comma-separated;
-- infersweep fills it in (analysis.AxisColumns) before Spark reads the query.
SELECT
  sweep_id, grid_name, run_id, ${run_axes}, epochs, precision,
  first(train_loss, true)                                              AS train_loss,
  first(train_accuracy, true)                                          AS train_accuracy,
  first(steps, true)                                                   AS steps,
  first(train_step_us, true)                                           AS train_step_us,
  first(weight_l2, true)                                               AS weight_l2,
  first(weight_subnormal_fraction, true)                               AS weight_subnormal_fraction,
  first(activation_mean_abs, true)                                     AS activation_mean_abs,
  first(dead_unit_fraction, true)                                      AS dead_unit_fraction,
  exp(avg(CASE WHEN protocol = 'rigorous' THEN ln(latency_ratio) END)) AS rigorous_ratio,
  exp(avg(CASE WHEN protocol = 'seed' THEN ln(latency_ratio) END))     AS seed_ratio,
  exp(avg(CASE WHEN protocol = 'rigorous' THEN ln(subnormal_zeroed_ratio) END)) AS subnormal_zeroed_ratio,
  count_if(status = 'ok')                                              AS rows_ok
FROM trials
GROUP BY sweep_id, grid_name, run_id, ${run_axes}, epochs, precision
