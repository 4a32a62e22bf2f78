#!/usr/bin/env bash
# Load test on loopback with wrk: builds a database of N people (default 20,000; 150000 for the
# national figure), issues lookup codes, starts a release `staffpay serve`, then runs
#   1. status-page lookups over distinct valid pairs (scripts/status-lookups.lua), and
#   2. mixed traffic: lookups, case reads, progress, approvals (scripts/mixed.lua), and
#   3. the dashboard page of a signed-in reviewer (the officers' home page; 8 connections).
#   scripts/load.sh [sqlite|postgres] [PEOPLE] [SECONDS]
# PostgreSQL uses ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres) and a
# database it creates and drops. Needs wrk (Debian package `wrk`). STAFFPAY_BIN=path runs another
# build instead of building this checkout (to compare two builds on the same day: the machine's
# speed varies from day to day). CLIENTS=N sends the requests as a load balancer would, on
# behalf of N client addresses (X-Forwarded-For, with 127.0.0.1 a trusted proxy): the
# throttles then count per person's address, not one shared address.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
people="${2:-20000}"
seconds="${3:-20}"
bin="${STAFFPAY_BIN:-target/release/staffpay}"
[ -n "${STAFFPAY_BIN:-}" ] || cargo build --release --bin staffpay >/dev/null
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ "$backend" = postgres ] && psql -q "$admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT
export STAFFPAY_SECRET_KEY="load-test-secret-key-load-test-secret-key-0123"
export STAFFPAY_POLICY_DIR="$PWD/policy_tables"
admin="${ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
name="staffpay_load_$$"
case "$backend" in
  sqlite) export DATABASE_URL="$work/load.db" ;;
  postgres) psql -q "$admin" -c "CREATE DATABASE $name"; export DATABASE_URL="${admin%/*}/$name" ;;
  *) echo "usage: $0 sqlite|postgres [PEOPLE] [SECONDS]" >&2; exit 2 ;;
esac

"$bin" demo-data --people "$people" --seed 5 --out "$work/roster.xlsx" >/dev/null
# Commands that change case data act as a user, by token (docs/SECURITY.md).
"$bin" migrate >/dev/null
"$bin" users add --username load.admin --role admin --unit VN --password-stdin \
  <<<"load test admin password, long enough" >/dev/null
STAFFPAY_TOKEN=$("$bin" users token create --username load.admin --name load-cli | grep -oE '[A-Za-z0-9_-]{30,}' | head -n 1)
export STAFFPAY_TOKEN
"$bin" import "$work/roster.xlsx" >/dev/null
"$bin" lookup-codes --unit VN --limit 20000 --out "$work/pairs.csv" >/dev/null
"$bin" users add --username load.reviewer --role moha_reviewer --unit VN --password-stdin \
  <<<"load test password, long enough" >/dev/null
token=$("$bin" users token create --username load.reviewer --name load | grep -oE '[A-Za-z0-9_-]{30,}' | head -n 1)
tail -n +2 "$work/pairs.csv" | cut -d, -f1 > "$work/submitted.txt"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [ -n "${CLIENTS:-}" ]; then
  export STAFFPAY_TRUSTED_PROXIES=127.0.0.1 CLIENTS
  via=", $CLIENTS client addresses through a proxy"
else
  via=""
fi
RUST_LOG=warn "$bin" serve --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done

echo "== $backend, $people people: status lookups (${seconds}s, 2 threads, 32 connections$via)"
PAIRS="$work/pairs.csv" wrk -t2 -c32 -d"${seconds}s" --latency -s scripts/status-lookups.lua "http://127.0.0.1:$port" | tail -n 2
echo "== $backend, $people people: mixed traffic$via"
PAIRS="$work/pairs.csv" SUBMITTED="$work/submitted.txt" TOKEN="$token" \
  wrk -t2 -c32 -d"${seconds}s" --latency -s scripts/mixed.lua "http://127.0.0.1:$port" | tail -n 2
echo "== $backend, $people people: the dashboard page, signed in as a reviewer (8 connections)"
jar="$work/cookies"
csrf=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/dang-nhap" | grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//;s/"$//')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "username=load.reviewer" \
  --data-urlencode "password=load test password, long enough" --data-urlencode "csrf=$csrf" \
  "http://127.0.0.1:$port/dang-nhap"
session=$(awk '$6 == "staffpay_session" {print $7}' "$jar")
[ -n "$session" ] || { echo "could not sign in to the pages" >&2; exit 1; }
wrk -t2 -c8 -d"${seconds}s" --latency -H "Cookie: staffpay_session=$session" "http://127.0.0.1:$port/" \
  | grep -E "Requests/sec|50%|99%|Non-2xx"
