#!/usr/bin/env bash
# Cost beyond the national figure (issue 19, item 4): for each roster size and each backend
# (SQLite, then PostgreSQL), times with /usr/bin/time (wall seconds, peak resident memory)
#   import of a demo-data roster, progress (national, then --verify), the national
#   reconciliation workbook, bulk approval and funding of every case (through the HTTP API
#   of `staffpay serve`, 10,000 cases a request), the Treasury payment list of VN, a payment
#   list import (every case paid in full, a tenth in two instalments), a statement import with
#   its reconciliation (one line per case, a tenth matched by account and name), the workbook
#   again with the ledger filled, and one person's statement;
# then prints every figure and each step's growth from the smallest to the largest size
# (linear: the ratio of the sizes, 6.67x for 150,000 -> 1,000,000).
#
#   scripts/national-scale.sh [PEOPLE...]     # default 150000 1000000
#
# The import limits (max_rows, max_upload_bytes, max_unpacked_bytes, max_part_bytes) are
# raised in a settings file (STAFFPAY_CONFIG) written to WORK; the same file serves every
# size. BACKENDS (default "sqlite postgres") picks the backends. PostgreSQL uses ADMIN_URL
# (default postgres://postgres@127.0.0.1:5432/postgres) and a database it creates and drops.
# WORK (default /tmp/national-scale) keeps rosters, databases, logs and workbooks; the
# rosters and databases are removed at the end unless KEEP is set (a kept roster is reused).
# STAFFPAY_BIN runs another build (default target/release/staffpay, never built here).
# Takes hours at 1,000,000 (bulk approval and funding dominate); not part of .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$#" -gt 0 ] || set -- 150000 1000000
bin="${STAFFPAY_BIN:-target/release/staffpay}"
bin=$(realpath "$bin")
work="${WORK:-/tmp/national-scale}"
admin="${ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
backends="${BACKENDS:-sqlite postgres}"
export PGSSLMODE="${PGSSLMODE:-disable}"
export STAFFPAY_SECRET_KEY="${STAFFPAY_SECRET_KEY:-0123456789abcdef0123456789abcdef0123456789abcdef}"
export RUST_LOG="${RUST_LOG:-warn}"
mkdir -p "$work"
results="$work/results.tsv"
: >"$results"

# Limits raised for 1,000,000 rows (the defaults: 32 MiB, 500,000 rows, 1 GiB, 512 MiB).
export STAFFPAY_CONFIG="$work/national-scale.toml"
cat >"$STAFFPAY_CONFIG" <<'TOML'
max_upload_bytes = 2147483648
max_rows = 2000000
max_unpacked_bytes = 17179869184
max_part_bytes = 8589934592
TOML

server=""
pgdb=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  if [ -n "$pgdb" ] && [ -z "${KEEP:-}" ]; then
    psql -q "$admin" -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" || true
  fi
}
trap cleanup EXIT

# One result line: backend, people, step, wall s, peak KB (0: not measured).
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"; }

# Runs a command under /usr/bin/time and records it; returns the command's status.
# Usage: timed BACKEND PEOPLE STEP LOG COMMAND...
timed() {
  local backend="$1" people="$2" step="$3" log="$4" rc=0
  shift 4
  /usr/bin/time -f '%e %M' -o "$work/time.out" "$@" >"$log" 2>&1 || rc=$?
  local secs kb
  read -r secs kb < <(tail -n 1 "$work/time.out")
  if [ "$rc" -eq 0 ]; then
    record "$backend" "$people" "$step" "$secs" "$kb"
  else
    record "$backend" "$people" "$step (FAILED, exit $rc)" "$secs" "$kb"
    echo "   $step failed (exit $rc); see $log" >&2
  fi
  printf '   %-34s %9s s %8s MB\n' "$step" "$secs" "$((kb / 1024))"
  return "$rc"
}

# Read-only SQL of the current database, CSV without a header.
sql() {
  case "$backend" in
    sqlite) sqlite3 -csv "$db" "$1" ;;
    postgres) psql -Atq --csv "$url" -c "$1" ;;
  esac
}

# Token of a new user with ROLE over the whole country: new_user NAME ROLE.
new_user() {
  "$bin" users add --username "$1" --role "$2" --unit VN >/dev/null
  "$bin" users token create --username "$1" --name scale 2>/dev/null | tail -n 1
}

# Bulk action over IDS_FILE, 10,000 ids a request, each request's seconds in LOG:
# bulk ACTION TOKEN EXTRA_JSON IDS_FILE LOG.
bulk() {
  local action="$1" token="$2" extra="$3" ids="$4" log="$5" chunk code start
  rm -f "$work"/chunk.*
  : >"$log"
  split -l 10000 "$ids" "$work/chunk."
  for chunk in "$work"/chunk.*; do
    start=$EPOCHREALTIME
    printf '{"ids":[%s]%s}' "$(paste -sd, "$chunk")" "$extra" >"$work/bulk-body.json"
    code=$(curl -s -o "$work/bulk-answer.json" -w '%{http_code}' \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      --data-binary "@$work/bulk-body.json" "http://127.0.0.1:$port/api/v1/cases/bulk/$action")
    if [ "$code" != 200 ]; then
      echo "   bulk/$action answered $code: $(head -c 400 "$work/bulk-answer.json")" >&2
      return 1
    fi
    awk -v c="${chunk##*.}" -v a="$start" -v b="$EPOCHREALTIME" \
      'BEGIN { printf "%s %.2f\n", c, b - a }' >>"$log"
  done
  rm -f "$work"/chunk.*
}

# Peak resident memory (KB) of the running server.
server_hwm() { awk '/VmHWM/ { print $2 }' "/proc/$server/status" 2>/dev/null || echo 0; }

# Wall seconds of a statement run by psql (its own memory is not recorded).
psql_timed() {
  local start=$EPOCHREALTIME
  psql -q "$url" -c "$2"
  record "$backend" "$people" "$1" \
    "$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')" 0
}

# One backend at one size, in the database named by $url.
run() {
  local tag="$backend-$people" admin_token reviewer_token payer_token port action token extra
  local start rc secs step day1 day2 day3 case_id
  # Users (not timed): the importer, a reviewer who approves, a payment officer who funds
  # and pays (separation of duties: docs/CASES.md).
  "$bin" migrate >/dev/null
  admin_token=$(new_user scale.admin admin)
  reviewer_token=$(new_user scale.reviewer moha_reviewer)
  payer_token=$(new_user scale.payer mof_officer)

  timed "$backend" "$people" "import" "$work/import-$tag.json" \
    "$bin" import "$roster" --token "$admin_token" --json || return 0
  # docs/OPERATIONS.md: analyse after a national import.
  [ "$backend" != postgres ] || psql_timed "vacuum analyze (psql)" "VACUUM ANALYZE"
  timed "$backend" "$people" "progress" "$work/progress-$tag.txt" "$bin" progress || true
  timed "$backend" "$people" "progress --verify" "$work/verify-$tag.txt" \
    "$bin" progress --verify || true
  timed "$backend" "$people" "workbook (after import)" "$work/workbook-$tag.log" \
    "$bin" report reconciliation --out "$work/workbook-$tag.xlsx" || true

  # Approve and fund every case through the service, in requests of 10,000 ids; the peak
  # memory is the server's (VmHWM, so the fund figure covers both).
  sql "SELECT id FROM cases WHERE state = 'submitted' ORDER BY id" >"$work/ids-$tag.txt"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin" serve --bind "127.0.0.1:$port" >"$work/serve-$tag.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
  for action in approve fund; do
    case "$action" in
      approve) token="$reviewer_token" extra="" ;;
      fund) token="$payer_token" extra=',"funding_source":"NSNN 2025"' ;;
    esac
    start=$EPOCHREALTIME
    rc=0
    bulk "$action" "$token" "$extra" "$work/ids-$tag.txt" "$work/bulk-$action-$tag.log" || rc=$?
    secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
    step="bulk $action (serve, HTTP)"
    [ "$rc" -eq 0 ] || step="$step (FAILED)"
    record "$backend" "$people" "$step" "$secs" "$(server_hwm)"
    printf '   %-34s %9s s %8s MB\n' "$step" "$secs" "$(($(server_hwm) / 1024))"
    [ "$rc" -eq 0 ] || break
  done
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
  if [ "$rc" -ne 0 ]; then
    echo "   cases not all payable: no payment list or statement" >&2
    return 0
  fi
  [ "$backend" != postgres ] || psql_timed "vacuum analyze (psql)" "VACUUM ANALYZE"

  timed "$backend" "$people" "payment-list report (VN)" "$work/payment-list-$tag.log" \
    "$bin" report payment-list --unit VN --out "$work/payment-list-$tag.xlsx" || true

  # Payment list: every case paid in full, every tenth in two instalments (as
  # benches/ledger.rs), paid three and two days ago (never before a decision).
  day1=$(TZ=Asia/Ho_Chi_Minh date -d '3 days ago' +%d/%m/%Y)
  day2=$(TZ=Asia/Ho_Chi_Minh date -d '2 days ago' +%d/%m/%Y)
  day3=$(TZ=Asia/Ho_Chi_Minh date -d '1 day ago' +%d/%m/%Y)
  {
    echo "Mã tham chiếu thanh toán,Số tiền,Ngày chi"
    sql "SELECT payment_reference, entitled_vnd, '$day1' FROM cases
         WHERE state = 'payable' AND (id % 10 <> 0 OR entitled_vnd < 2)
         UNION ALL
         SELECT payment_reference, entitled_vnd / 2, '$day1' FROM cases
         WHERE state = 'payable' AND id % 10 = 0 AND entitled_vnd >= 2
         UNION ALL
         SELECT payment_reference, entitled_vnd - entitled_vnd / 2, '$day2' FROM cases
         WHERE state = 'payable' AND id % 10 = 0 AND entitled_vnd >= 2"
  } >"$work/payments-$tag.csv"
  timed "$backend" "$people" "payments import" "$work/payments-$tag.json" \
    "$bin" payments import "$work/payments-$tag.csv" --token "$payer_token" --json || true

  # Statement: one line per paid case for what it was paid; nine in ten carry the payment
  # reference, the tenth (with an account on record) only the account and name.
  {
    echo "Ngày giao dịch,Số tiền,Số tài khoản,Tên người nhận,Nội dung,Số tham chiếu"
    sql "SELECT '$day3', -c.paid_vnd,
           CASE WHEN c.id % 10 = 5 AND p.bank_account IS NOT NULL THEN p.bank_account ELSE '' END,
           CASE WHEN c.id % 10 = 5 AND p.bank_account IS NOT NULL THEN p.full_name ELSE '' END,
           CASE WHEN c.id % 10 = 5 AND p.bank_account IS NOT NULL THEN 'Chi tro cap nghi viec'
                ELSE 'Chi tro cap ' || c.payment_reference END,
           'FT' || (c.id + 100000000)
         FROM cases c JOIN people p ON p.id = c.person_id
         WHERE c.paid_vnd > 0 ORDER BY c.id"
  } >"$work/statement-$tag.csv"
  timed "$backend" "$people" "statement import + reconcile" "$work/statement-$tag.json" \
    "$bin" statements import "$work/statement-$tag.csv" --token "$payer_token" --json || true

  timed "$backend" "$people" "workbook (with ledger)" "$work/workbook2-$tag.log" \
    "$bin" report reconciliation --out "$work/workbook2-$tag.xlsx" || true
  case_id=$(sql "SELECT max(id) FROM cases")
  timed "$backend" "$people" "person statement" "$work/person-$tag.log" \
    "$bin" report statement --case "$case_id" --out "$work/person-$tag.xlsx" || true
}

for people in "$@"; do
  # The roster (its generation is timed but is not part of a backend's run).
  roster="$work/roster-$people.xlsx"
  if [ ! -s "$roster" ]; then
    echo "== roster: $people people"
    timed roster "$people" "demo-data" "$work/demo-$people.log" \
      "$bin" demo-data --people "$people" --seed 1 --out "$roster"
  fi
  for backend in $backends; do
    echo "== $backend, $people people"
    case "$backend" in
      sqlite)
        db="$work/sqlite-$people.db"
        rm -f "$db" "$db-wal" "$db-shm"
        url="sqlite://$db"
        ;;
      postgres)
        pgdb="staffpay_scale_$$_$people"
        psql -q "$admin" -c "CREATE DATABASE $pgdb"
        url="${admin%/*}/$pgdb"
        ;;
      *) echo "unknown backend $backend (sqlite or postgres)" >&2; exit 2 ;;
    esac
    export DATABASE_URL="$url"
    run
    if [ -z "${KEEP:-}" ]; then
      case "$backend" in
        sqlite) rm -f "$db" "$db-wal" "$db-shm" ;;
        postgres) psql -q "$admin" -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" ;;
      esac
      rm -f "$work/payments-$backend-$people.csv" "$work/statement-$backend-$people.csv" \
        "$work/ids-$backend-$people.txt"
    fi
    pgdb=""
  done
  [ -n "${KEEP:-}" ] || rm -f "$roster"
done

# Every figure, then each step's growth from the smallest to the largest size.
echo
echo "== $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $("$bin" --version)"
awk -F'\t' '
  { printf "  %-9s %9s  %-36s %9.2f %9s\n", $1, $2, $3, $4, ($5 > 0 ? int($5 / 1024) : "-") }
  BEGIN { printf "  %-9s %9s  %-36s %9s %9s\n", "backend", "people", "step", "wall s", "peak MB" }
' "$results"
awk -F'\t' '
  {
    key = $1 SUBSEP $3
    if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    if (!(key in lo) || $2 < lo[key]) { lo[key] = $2; lot[key] = $4; lom[key] = $5 }
    if (!(key in hi) || $2 > hi[key]) { hi[key] = $2; hit[key] = $4; him[key] = $5 }
  }
  END {
    printf "\n  growth, largest / smallest size (linear = size ratio)\n"
    printf "  %-9s %-36s %9s %9s %9s\n", "backend", "step", "linear", "wall", "peak"
    for (i = 1; i <= n; i++) {
      key = order[i]
      if (hi[key] == lo[key]) continue
      split(key, part, SUBSEP)
      printf "  %-9s %-36s %8.2fx %8.2fx %9s\n", part[1], part[2], hi[key] / lo[key],
        (lot[key] > 0 ? hit[key] / lot[key] : 0),
        (lom[key] > 0 ? sprintf("%.2fx", him[key] / lom[key]) : "-")
    }
  }
' "$results"
