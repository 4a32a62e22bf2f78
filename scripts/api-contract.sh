#!/usr/bin/env bash
# The API contract, checked by an independent property-based tester (schemathesis, from PyPI):
# a demo server on a fresh SQLite database, an admin token, every operation of
# /api/v1/openapi.json with all checks and about 25 examples each. Exits non-zero on any
# failure. Usage: scripts/api-contract.sh [path/to/staffpay] [examples per operation]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-${CARGO_TARGET_DIR:-target}/debug/staffpay}"
[ -x "$bin" ] || { echo "no staffpay binary at $bin (cargo build first)" >&2; exit 1; }
examples="${2:-25}"
venv="${SCHEMATHESIS_VENV:-${TMPDIR:-/tmp}/staffpay-schemathesis}"
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'schemathesis>=4,<5' openapi-spec-validator
fi

work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
export DATABASE_URL="sqlite://$work/contract.db"
export STAFFPAY_POLICY_DIR="$PWD/policy_tables"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

"$bin" serve --demo --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "serve --demo stopped:" >&2
    cat "$work/serve.log" >&2
    exit 1
  fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null

token="$("$bin" users token create --username demo-admin --name contract | tail -n 1)"
curl -fsS "http://127.0.0.1:$port/api/v1/openapi.json" -o "$work/openapi.json"
"$venv/bin/openapi-spec-validator" "$work/openapi.json"

# Sign-out would revoke the token the run uses; it is covered by the API tests.
run() {
  "$venv/bin/st" run "$work/openapi.json" \
    --url "http://127.0.0.1:$port" \
    -H "Authorization: Bearer $token" \
    --checks all \
    --max-examples "$examples" \
    --workers 2 \
    --seed 178 \
    --exclude-path /api/v1/auth/logout \
    --no-color 2>&1 | tee "$work/run.log"
  return "${PIPESTATUS[0]}"
}
if run; then
  exit 0
fi
# A failure of the API fails the run. An error of the tester itself alone (it has crashed
# inside its own schema walker, "Runtime Error", with no failure found) earns one more try.
if grep -q '^Failures:' "$work/run.log" || ! grep -q '^Errors:' "$work/run.log"; then
  exit 1
fi
echo "schemathesis stopped on an error of its own; running it once more"
run
