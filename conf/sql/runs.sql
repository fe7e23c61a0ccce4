-- View `runs`: one row per training run of each sweep (built on `trials`).
-- ${run_axes}: every run-level axis spec.Axes declares (the seed included), comma-separated;
-- infersweep fills it in (analysis.AxisColumns) before Spark reads the query.
SELECT
  sweep_id, sweep_date, grid_name, run_id, ${run_axes},
  input_size, hidden_size, output_size, network, loss, train_samples, data_kind, train_batch_size,
  momentum, device,
  max(epochs)                                        AS last_epoch,
  max(steps)                                         AS last_step,
  count(*)                                           AS rows,
  count_if(status = 'ok')                            AS rows_ok,
  count_if(status = 'failed')                        AS rows_failed,
  count_if(status = 'unsupported')                   AS rows_unsupported,
  max_by(train_loss, epochs)                         AS final_train_loss,
  min_by(train_loss, epochs)                         AS initial_train_loss,
  max(train_seconds)                                 AS train_seconds,
  min_by(train_step_us, epochs) FILTER (WHERE epochs > 0) AS first_train_step_us,
  max_by(train_step_us, epochs)                      AS last_train_step_us,
  first(executor_id, true)                           AS executor_id,
  first(host, true)                                  AS host,
  first(calibration_ns_start, true)                  AS calibration_ns_start,
  first(calibration_ns_end, true)                    AS calibration_ns_end
FROM trials
GROUP BY sweep_id, sweep_date, grid_name, run_id, ${run_axes}, input_size, hidden_size, output_size,
         network, loss, train_samples, data_kind, train_batch_size, momentum, device
