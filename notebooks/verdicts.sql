-- A notebook-style walk through one sweep, cell by cell, in Spark SQL over the `trials` view
-- (`jobs/sweep sql --results DIR "<cell>"`, or spark.read.parquet(DIR).createOrReplaceTempView("trials")).

-- Cell 1: what is in the results folder
SELECT sweep_id, grid_name, sweep_date, count(*) AS rows, count_if(status = 'ok') AS ok
FROM trials GROUP BY ALL ORDER BY sweep_date, sweep_id;

-- Cell 2: does latency change with training? Rigorous ratio per checkpoint, with the mean interval
SELECT epochs, count(*) AS rows,
       exp(avg(ln(latency_ratio)))          AS ratio,
       exp(avg(ln(latency_ratio_ci_low)))   AS ci_low,
       exp(avg(ln(latency_ratio_ci_high)))  AS ci_high
FROM trials WHERE protocol = 'rigorous' AND status = 'ok'
GROUP BY epochs ORDER BY epochs;

-- Cell 3: the article's protocol beside it
SELECT protocol, epochs, exp(avg(ln(latency_ratio))) AS ratio, min(latency_ratio) AS min, max(latency_ratio) AS max
FROM trials WHERE status = 'ok' GROUP BY protocol, epochs ORDER BY protocol, epochs;

-- Cell 4: the article's explanations, measured: activations, dead units, subnormal weights
SELECT epochs, precision,
       avg(activation_mean_abs) AS activation_mean_abs, avg(dead_unit_fraction) AS dead_units,
       avg(weight_subnormal_fraction) AS subnormal_weights,
       exp(avg(ln(subnormal_zeroed_ratio))) AS subnormal_cost
FROM trials WHERE protocol = 'rigorous' AND status = 'ok'
GROUP BY epochs, precision ORDER BY precision, epochs;

-- Cell 5: is the machine itself stable? Calibration drift per task
SELECT run_id, executor_id, calibration_ns_start, calibration_ns_end,
       calibration_ns_end / calibration_ns_start AS drift
FROM trials GROUP BY ALL ORDER BY abs(ln(calibration_ns_end / calibration_ns_start)) DESC LIMIT 10;
