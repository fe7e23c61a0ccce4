#!/usr/bin/env bash
# The nightly job: run conf/nightly.yaml into the dated results root, write its report, compare it
# with the previous night's sweep of the same grid, and exit non-zero when something got slower.
#
#   jobs/nightly.sh [extra jobs/sweep run options, e.g. --master spark://HOST:7077]
#
# Exit: 0 all good; 3 some runs failed; 4 a configuration regressed; 2 bad usage or configuration.
# Environment: INFERSWEEP_NIGHTLY_RESULTS (results root, default results/nightly),
# INFERSWEEP_NIGHTLY_GRID (default conf/nightly.yaml), INFERSWEEP_NIGHTLY_DATE (default today, UTC),
# INFERSWEEP_NIGHTLY_THRESHOLD (compare --threshold for paired ratios, default 0.02).
# cron (02:30 every night):
#   30 2 * * * cd /opt/infersweep && jobs/nightly.sh >> results/nightly/nightly.log 2>&1
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
results="${INFERSWEEP_NIGHTLY_RESULTS:-$ROOT/results/nightly}"
grid="${INFERSWEEP_NIGHTLY_GRID:-$ROOT/conf/nightly.yaml}"
day="${INFERSWEEP_NIGHTLY_DATE:-$(date -u +%F)}"
threshold="${INFERSWEEP_NIGHTLY_THRESHOLD:-0.02}"
# The grid's name as the loader reads it (its name: key, else the file name); a bad grid stops here.
name="$("$ROOT/jobs/sweep" plan --grid "$grid" --name)" || exit 2
id="$name-${day//-/}"
sweep="$ROOT/jobs/sweep"
# Reports live under _reports/: folders starting with _ are invisible to readers of the results.
reports="$results/_reports"
mkdir -p "$reports" || exit 2

echo "[nightly] $(date -u +%FT%TZ) sweep $id of $grid into $results"
# --resume: a second start the same night completes tonight's sweep instead of failing.
"$sweep" run --grid "$grid" --out "$results" --sweep-id "$id" --date "$day" --resume "$@"
run_rc=$?
if ((run_rc != 0 && run_rc != 3)); then
  echo "[nightly] the sweep did not complete (exit $run_rc)" >&2
  exit "$run_rc"
fi

"$sweep" report --results "$results" --sweep "$id" --out "$reports/$id.html" || exit $?

nights="$("$sweep" sql --results "$results" --format csv \
  "SELECT count(DISTINCT sweep_id) FROM trials WHERE grid_name = '$name'")" || exit 2
nights="$(tail -n 1 <<<"$nights")"
compare_rc=0
if ((nights > 1)); then
  "$sweep" compare --results "$results" --baseline previous --candidate "$id" \
    --threshold "$threshold" --html "$reports/$id-compare.html"
  compare_rc=$?
  if ((compare_rc != 0 && compare_rc != 4)); then
    echo "[nightly] compare failed (exit $compare_rc)" >&2
    exit "$compare_rc"
  fi
else
  echo "[nightly] first night of grid '$name': nothing to compare with yet"
fi

echo "[nightly] report: $reports/$id.html"
if ((compare_rc == 4)); then
  echo "[nightly] REGRESSION: see $reports/$id-compare.html" >&2
  exit 4
fi
exit "$run_rc"
