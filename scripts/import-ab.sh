#!/usr/bin/env bash
# Same-run comparison of the roster import between two builds (issue 17's "not slower" check).
#
#   scripts/import-ab.sh setup NAME BINARY   # a template database for build NAME (one admin
#                                            # user and a token), BINARY copied aside
#   scripts/import-ab.sh run NAME [ROSTER]   # one import into a fresh copy of NAME's template
#
# Run from the repository (a build from before the policy tables were embedded reads them
# from ./policy_tables). The roster defaults to $WORK/r150k.xlsx, made once with
#   staffpay demo-data --people 150000 --seed 1 --out $WORK/r150k.xlsx
# Alternate `run A` and `run B` with a tool that times both in one sitting; the import's
# JSON report (phases in `timings_ms`) is left in $WORK/out-NAME.json. IMPORT_FLAGS adds flags
# to the import (e.g. IMPORT_FLAGS=--accept-valid for a roster made with
# `demo-data --invalid-per-mille 60`).
set -euo pipefail
WORK=${WORK:-/tmp/import-ab}
export STAFFPAY_SECRET_KEY=${STAFFPAY_SECRET_KEY:-0123456789abcdef0123456789abcdef0123456789abcdef}
mkdir -p "$WORK"
cmd=${1:?setup or run}; name=${2:?build name}
case "$cmd" in
  setup)
    cp "${3:?binary}" "$WORK/staffpay-$name"
    rm -f "$WORK/tmpl-$name.db"*
    "$WORK/staffpay-$name" users --database-url "sqlite://$WORK/tmpl-$name.db" \
      add --username bench --role admin --unit VN >/dev/null
    "$WORK/staffpay-$name" users --database-url "sqlite://$WORK/tmpl-$name.db" \
      token create --username bench --name bench 2>/dev/null | tail -n 1 >"$WORK/token-$name"
    ;;
  run)
    roster=${3:-$WORK/r150k.xlsx}
    rm -f "$WORK/run-$name.db"*
    cp "$WORK/tmpl-$name.db" "$WORK/run-$name.db"
    "$WORK/staffpay-$name" import "$roster" --database-url "sqlite://$WORK/run-$name.db" \
      --token "$(cat "$WORK/token-$name")" --json ${IMPORT_FLAGS:-} >"$WORK/out-$name.json"
    ;;
  *) echo "usage: $0 setup NAME BINARY | run NAME [ROSTER]" >&2; exit 2 ;;
esac
