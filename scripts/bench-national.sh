#!/usr/bin/env bash
# The national roster, two ways, back to back on this machine: an analyst-style Python
# pipeline (pandas with the calamine reader, decimal money, XlsxWriter in constant-memory
# mode; scripts/bench_national/) and staffpay (import into a fresh SQLite database, then the
# national reconciliation workbook). Prints both wall-clock times and the ratio
# python / staffpay, and fails unless the Python totals equal staffpay's (people, refused
# rows, total entitlement in đồng, per province or ministry: from its database, import report
# and workbook).
#
#   scripts/bench-national.sh [PEOPLE]        # default 150000 (demo-data --seed $SEED, 1)
#
# WORK (default /tmp/bench-national) keeps the roster (reused for the same PEOPLE and SEED),
# the venv with the pinned packages of scripts/bench_national/requirements.txt (VENV), the
# databases and both workbooks. STAFFPAY_BIN runs another build (default: target/release,
# built when missing). PYTHON picks the interpreter of the venv (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-150000}"
seed="${SEED:-1}"
work="${WORK:-/tmp/bench-national}"
venv="${VENV:-$work/venv}"
bin="${STAFFPAY_BIN:-target/release/staffpay}"
if [ -z "${STAFFPAY_BIN:-}" ] && [ ! -x "$bin" ]; then
  cargo build --release --bin staffpay >/dev/null
fi
export STAFFPAY_SECRET_KEY="${STAFFPAY_SECRET_KEY:-0123456789abcdef0123456789abcdef0123456789abcdef}"
export RUST_LOG="${RUST_LOG:-warn}"
export PYTHONDONTWRITEBYTECODE=1
mkdir -p "$work"

# Wall-clock seconds (and peak RSS in MB when GNU time is there) of a command into $1.
timed() {
  local out="$1"
  shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%e %M' -o "$out" "$@"
  else
    local start=$EPOCHREALTIME
    "$@"
    awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f 0\n", b - a }' >"$out"
  fi
}
secs() { cut -d' ' -f1 "$1"; }
mb() { awk '{ printf "%d", $2 / 1024 }' "$1"; }

# The roster, once per PEOPLE and SEED.
roster="$work/roster-$people-seed$seed.xlsx"
if [ ! -s "$roster" ]; then
  echo "== roster: $people people, seed $seed"
  "$bin" demo-data --people "$people" --seed "$seed" --out "$roster.tmp.xlsx" >/dev/null
  mv "$roster.tmp.xlsx" "$roster"
fi

# The venv with the pinned packages, reinstalled when requirements.txt changes.
req=scripts/bench_national/requirements.txt
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== venv: $venv"
  rm -rf "$venv"
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  echo "$want" >"$stamp"
fi
py="$venv/bin/python"

# staffpay's template database: migrated, one admin and a token (not timed).
rm -f "$work"/tmpl.db* "$work"/run.db*
"$bin" users --database-url "sqlite://$work/tmpl.db" \
  add --username bench --role admin --unit VN >/dev/null
"$bin" users --database-url "sqlite://$work/tmpl.db" \
  token create --username bench --name bench 2>/dev/null | tail -n 1 >"$work/token"
cp "$work/tmpl.db" "$work/run.db"

echo "== python pipeline"
rm -f "$work/python.xlsx" "$work/python-totals.json"
timed "$work/time-python" "$py" scripts/bench_national/pipeline.py "$roster" \
  --out "$work/python.xlsx" --totals "$work/python-totals.json"

echo "== staffpay import"
rc=0
timed "$work/time-import" "$bin" import "$roster" --database-url "sqlite://$work/run.db" \
  --token "$(cat "$work/token")" --accept-valid --json >"$work/import.json" || rc=$?
# 0: imported; 3: partly imported (rows refused, --accept-valid); anything else failed.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
  echo "staffpay import failed (exit $rc); report in $work/import.json" >&2
  exit 1
fi
echo "== staffpay national workbook"
rm -f "$work/staffpay.xlsx"
timed "$work/time-report" "$bin" report reconciliation --database-url "sqlite://$work/run.db" \
  --out "$work/staffpay.xlsx" >/dev/null

echo "== totals"
check=0
"$py" scripts/bench_national/check.py --totals "$work/python-totals.json" \
  --db "$work/run.db" --import-json "$work/import.json" --workbook "$work/staffpay.xlsx" || check=$?
if [ "$check" -ne 0 ]; then
  # Untimed second run that lists the people whose amounts differ.
  "$py" scripts/bench_national/pipeline.py "$roster" --out "$work/python-dump.xlsx" \
    --totals "$work/python-totals-dump.json" --dump "$work/python-amounts.tsv" 2>/dev/null
  "$py" scripts/bench_national/check.py --totals "$work/python-totals.json" \
    --db "$work/run.db" --import-json "$work/import.json" --dump "$work/python-amounts.tsv" |
    sed -n '/people whose amounts differ/,$p'
fi

python_s=$(secs "$work/time-python")
import_s=$(secs "$work/time-import")
report_s=$(secs "$work/time-report")
echo
versions=$("$py" -c 'import platform; from importlib.metadata import version as v
print(f"CPython {platform.python_version()}, " + ", ".join(
    f"{p} {v(p)}" for p in ("pandas", "python-calamine", "XlsxWriter", "numpy")))')
echo "== $people people, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); $versions"
awk -v p="$python_s" -v i="$import_s" -v r="$report_s" \
  -v pm="$(mb "$work/time-python")" -v im="$(mb "$work/time-import")" -v rmb="$(mb "$work/time-report")" '
  BEGIN {
    printf "  %-34s %9s %11s\n", "", "wall s", "peak MB"
    printf "  %-34s %9.2f %11d\n", "python (read, compute, write)", p, pm
    printf "  %-34s %9.2f %11d\n", "staffpay import", i, im
    printf "  %-34s %9.2f %11d\n", "staffpay national workbook", r, rmb
    printf "  %-34s %9.2f\n", "staffpay total", i + r
    printf "  %-34s %9.1f x\n", "ratio python / staffpay", p / (i + r)
  }'
exit "$check"
