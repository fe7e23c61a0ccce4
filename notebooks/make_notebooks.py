# Writes the notebooks of this folder without outputs: /usr/bin/python3 notebooks/make_notebooks.py
import hashlib
import os
import nbformat as nbf
from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell

SETUP = """import os, sys
sys.path.insert(0, os.path.abspath(''))  # the notebooks folder: infersweep_nb.py
%matplotlib inline
import matplotlib.pyplot as plt
from IPython.display import display
from infersweep_nb import Results

r = Results()  # the folder in INFERSWEEP_RESULTS
print('results:', r.path, '| engine:', r.engine)"""

def nb(cells, name):
    n = new_notebook()
    n.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    n.metadata["language_info"] = {"name": "python"}
    n.cells = [new_markdown_cell(c[1]) if c[0] == "md" else new_code_cell(c[1]) for c in cells]
    # Cell ids from the notebook's name and the cell's position, so regenerating changes only what changed.
    for i, cell in enumerate(n.cells):
        cell["id"] = hashlib.sha1(f"{os.path.basename(name)}:{i}".encode()).hexdigest()[:8]
    nbf.write(n, name)

nb([
 ("md", "# Sweep overview: does inference get slower as the network trains?\n\nThe verdicts of the article's five claims, the rigorous latency ratio (trained / epoch 0) against epochs for each factor the sweep varies, with intervals, and the article's own protocol beside it. Data: the views of `conf/sql/` over `INFERSWEEP_RESULTS` (run `jobs/sweep report` first for the verdicts). Rules: `docs/analysis.md`."),
 ("code", SETUP),
 ("code", """sweeps = r.sql('''SELECT sweep_id, first(grid_name) AS grid, first(sweep_date) AS date, count(*) AS rows,
                        count_if(status = 'ok') AS ok, count_if(status = 'failed') AS failed,
                        count_if(status = 'unsupported') AS unsupported
                 FROM trials GROUP BY sweep_id ORDER BY date, sweep_id''')
display(sweeps)
sweep = sweeps.sweep_id.iloc[-1]
print('latest sweep:', sweep)"""),
 ("md", "## Verdicts\n\nWritten by `jobs/sweep report` under `_analysis/verdicts/`."),
 ("code", """verdicts = r.parquet('_analysis/verdicts')
if verdicts is not None:
    verdicts = verdicts[verdicts.sweep_id == sweep].sort_values('claim')
    display(verdicts[['claim', 'statement', 'estimate', 'ci_low', 'ci_high', 'runs', 'verdict', 'reason']])
else:
    print('no verdicts yet: run jobs/sweep report --results', r.path)"""),
 ("md", "## Latency ratio against epochs, by factor\n\nGeometric mean over rows of the rigorous ratio; bars are the mean of the rows' 95 % intervals."),
 ("code", """factors = ['optimizer', 'learning_rate', 'weight_decay', 'activation_scale', 'precision', 'batch_size']
by_factor = {}
for f in factors:
    t = r.sql(f'''SELECT cast({f} AS string) AS level, epochs, exp(avg(ln(latency_ratio))) AS ratio,
                         exp(avg(ln(latency_ratio_ci_low))) AS ci_low, exp(avg(ln(latency_ratio_ci_high))) AS ci_high
                  FROM rigorous WHERE sweep_id = '{sweep}' GROUP BY level, epochs ORDER BY level, epochs''')
    if t.level.nunique() > 1:
        by_factor[f] = t
if not by_factor:
    by_factor['all runs'] = r.sql(f'''SELECT 'all' AS level, epochs, exp(avg(ln(latency_ratio))) AS ratio,
        exp(avg(ln(latency_ratio_ci_low))) AS ci_low, exp(avg(ln(latency_ratio_ci_high))) AS ci_high
        FROM rigorous WHERE sweep_id = '{sweep}' GROUP BY epochs ORDER BY epochs''')
ncols = min(3, len(by_factor)); nrows = -(-len(by_factor) // ncols)
fig, axes = plt.subplots(nrows, ncols, figsize=(5 * ncols, 4 * nrows), squeeze=False)
for ax in axes.flat[len(by_factor):]:
    ax.set_visible(False)
for ax, (f, t) in zip(axes.flat, by_factor.items()):
    for level, g in t.groupby('level'):
        ax.errorbar(g.epochs.astype(str), g.ratio, yerr=[g.ratio - g.ci_low, g.ci_high - g.ratio], capsize=3, marker='o', label=f'{f} = {level}')
    ax.axhline(1.0, color='grey', lw=0.8)
    ax.set_xlabel('epochs'); ax.set_ylabel('latency ratio (trained / epoch 0)'); ax.set_title(f'by {f}'); ax.legend(fontsize=8)
plt.tight_layout(); plt.show()
display(next(iter(by_factor.values())))"""),
 ("md", "## The article's protocol beside the rigorous one\n\nSame checkpoints, same models: how far the article's cold, gradient-recording, 100-call loop strays."),
 ("code", """protocols = r.sql(f'''SELECT protocol, epochs, exp(avg(ln(latency_ratio))) AS ratio,
                           min(latency_ratio) AS min, max(latency_ratio) AS max, count(*) AS rows
                    FROM measured WHERE sweep_id = '{sweep}' GROUP BY protocol, epochs ORDER BY protocol, epochs''')
display(protocols)
fig, ax = plt.subplots(figsize=(6, 4))
for p, g in protocols.groupby('protocol'):
    ax.plot(g.epochs.astype(str), g.ratio, marker='o', label=p)
    ax.fill_between(g.epochs.astype(str), g['min'], g['max'], alpha=0.2)
ax.axhline(1.0, color='grey', lw=0.8); ax.set_xlabel('epochs'); ax.set_ylabel('latency ratio'); ax.legend()
plt.show()"""),
 ("md", "## Checks on what this notebook showed"),
 ("code", """assert len(sweeps) >= 1 and sweeps.rows.sum() > 0, 'no rows'
assert (sweeps.ok + sweeps.failed + sweeps.unsupported == sweeps.rows).all()
for t in by_factor.values():
    assert len(t) > 0 and (t.ratio > 0).all() and (t.ci_low <= t.ci_high).all()
assert set(protocols.protocol) <= {'rigorous', 'seed'} and (protocols.ratio > 0).all()
if verdicts is not None:
    assert list(verdicts.claim) == [1, 2, 3, 4, 5]
    assert set(verdicts.verdict) <= {'supported', 'refuted', 'inconclusive'}
print('overview checks passed')"""),
 ("code", "r.close()  # stops the Spark session this notebook started"),
], os.path.join(os.path.dirname(os.path.abspath(__file__)), "overview.ipynb"))

nb([
 ("md", "# Mechanisms: why is the latency what it is?\n\nThe model-state diagnostics recorded beside every latency (weight magnitude, subnormal weights and activations, dead units) against epochs, the latency against a copy with its subnormal weights zeroed, and the effect model written by `jobs/sweep report`. Definitions: `docs/results-schema.md`, `docs/measurement.md`."),
 ("code", SETUP),
 ("code", """sweep = r.sql('SELECT sweep_id FROM trials GROUP BY sweep_id ORDER BY max(measured_at) DESC LIMIT 1').sweep_id.iloc[0]
state = r.sql(f'''SELECT precision, epochs, avg(train_loss) AS train_loss, avg(weight_l2) AS weight_l2,
                         avg(weight_subnormal_fraction) AS weight_subnormal, avg(activation_mean_abs) AS activation_mean_abs,
                         avg(dead_unit_fraction) AS dead_units, exp(avg(ln(rigorous_ratio))) AS rigorous_ratio,
                         exp(avg(ln(subnormal_zeroed_ratio))) AS zeroed_ratio, count(*) AS models
                  FROM checkpoints WHERE sweep_id = '{sweep}' GROUP BY precision, epochs ORDER BY precision, epochs''')
display(state)"""),
 ("code", """cols = ['train_loss', 'weight_l2', 'activation_mean_abs', 'dead_units', 'weight_subnormal', 'zeroed_ratio']
fig, axes = plt.subplots(2, 3, figsize=(14, 7))
for ax, c in zip(axes.flat, cols):
    for p, g in state.groupby('precision'):
        ax.plot(g.epochs.astype(str), g[c], marker='o', label=p)
    ax.set_title(c); ax.set_xlabel('epochs')
axes.flat[0].legend()
plt.tight_layout(); plt.show()"""),
 ("md", "## Where it slows down, and why\n\nThe `causes` view: per configuration (every setting but the seed) and checkpoint, the slowdown, how many runs have it beyond ±2 %, and what the control models say it is due to (`docs/analysis.md`, \"Causes\"). Run `conf/explain.yaml` to see subnormal causes."),
 ("code", """causes = r.sql(f'''SELECT cpu_model, optimizer, weight_decay, activation_scale, precision, batch_size, epochs, runs,
                          round(latency_ratio, 3) AS ratio, beyond_band_runs, cause, cause_runs, shown_by
                   FROM causes WHERE sweep_id = '{sweep}' ORDER BY beyond_band_runs DESC, latency_ratio DESC''')
display(causes.head(20))
print(causes.groupby('cause').size().to_string())"""),
 ("md", "## Effect model\n\nMLlib GLM of log(latency_ratio) on log1p(epochs), the factors and their interactions (`docs/analysis.md`)."),
 ("code", """effects = r.parquet('_analysis/effects')
if effects is not None:
    effects = effects[effects.sweep_id == sweep]
    display(effects[['term', 'estimate', 'std_error', 'p_value', 'ci_low', 'ci_high']])
else:
    print('no effect model yet: run jobs/sweep report --results', r.path)"""),
 ("md", "## Checks on what this notebook showed"),
 ("code", """assert len(state) > 0
assert state.weight_subnormal.dropna().between(0, 1).all() and state.dead_units.dropna().between(0, 1).all()
assert (state.weight_l2.dropna() > 0).all()
assert set(causes.cause) <= {'none', 'placement', 'subnormal_weights', 'subnormal_arithmetic', 'subnormal_mixed', 'unexplained'}
assert (causes.cause_runs <= causes.runs).all() and (causes.beyond_band_runs <= causes.runs).all()
loss = state.sort_values('epochs').groupby('precision').train_loss
assert (loss.last() <= loss.first()).all(), 'training should not raise the loss'
if effects is not None and len(effects):
    assert '(intercept)' in set(effects.term)
    assert (effects.ci_low <= effects.ci_high).all()
print('mechanisms checks passed')"""),
 ("code", "r.close()  # stops the Spark session this notebook started"),
], os.path.join(os.path.dirname(os.path.abspath(__file__)), "mechanisms.ipynb"))

nb([
 ("md", "# Nights: how each configuration moves from sweep to sweep\n\nPer configuration (everything but the seed), the rigorous ratio and the absolute median latency across sweeps of the same grid, and the findings of `jobs/sweep compare` (written under `_analysis/compare/`). Absolute latencies vary between processes far more than paired ratios do: read the ratio first (`docs/analysis.md`)."),
 ("code", SETUP),
 ("code", """nights = r.sql('''SELECT grid_name, sweep_id, first(sweep_date) AS date, count(*) AS rows,
                         exp(avg(ln(latency_ratio))) AS ratio, percentile(latency_p50_ns, 0.5) AS median_p50_ns
                  FROM rigorous GROUP BY grid_name, sweep_id ORDER BY grid_name, date, sweep_id''')
display(nights)"""),
 ("code", """trend = r.sql('''SELECT concat_ws(' ', optimizer, cast(learning_rate AS string), cast(weight_decay AS string),
                                  cast(activation_scale AS string), precision, cast(batch_size AS string),
                                  concat('epoch ', cast(epochs AS string))) AS configuration,
                        sweep_id, first(sweep_date) AS date, exp(avg(ln(latency_ratio))) AS ratio,
                        avg(latency_p50_ns) AS p50_ns
                 FROM rigorous WHERE epochs > 0 GROUP BY configuration, sweep_id ORDER BY configuration, date''')
top = trend.groupby('configuration').ratio.mean().sort_values(ascending=False).index[:8]
fig, (a1, a2) = plt.subplots(1, 2, figsize=(14, 4))
for c in top:
    g = trend[trend.configuration == c]
    a1.plot(g.sweep_id, g.ratio, marker='o', label=c)
    a2.plot(g.sweep_id, g.p50_ns, marker='o', label=c)
a1.set_title('paired ratio (trained / epoch 0)'); a2.set_title('absolute median latency (ns)')
a1.axhline(1.0, color='grey', lw=0.8); a1.legend(fontsize=7)
plt.tight_layout(); plt.show()"""),
 ("md", "## What compare found"),
 ("code", """compare = r.parquet('_analysis/compare')
if compare is not None:
    display(compare.sort_values('ratio', ascending=False).head(20))
else:
    print('no comparison yet: run jobs/sweep compare --results', r.path)"""),
 ("md", "## Checks on what this notebook showed"),
 ("code", """assert len(nights) >= 1 and (nights.rows > 0).all()
assert (trend.ratio > 0).all() and (trend.p50_ns > 0).all()
if compare is not None:
    assert len(compare) > 0 and (compare.ratio > 0).all() and (compare.ci_low <= compare.ci_high).all()
    assert compare.regression.isin([True, False]).all()
print('nights checks passed')"""),
 ("code", "r.close()  # stops the Spark session this notebook started"),
], os.path.join(os.path.dirname(os.path.abspath(__file__)), "nights.ipynb"))
