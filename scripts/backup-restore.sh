#!/usr/bin/env bash
# Backup and restore, checked: builds a database with a 2,000-person roster imported, backs it
# up while the service could be running, restores the backup into a new database, and checks
# that progress and counts are identical. Both backends:
#   scripts/backup-restore.sh sqlite
#   scripts/backup-restore.sh postgres [ADMIN_URL]   (default postgres://postgres@127.0.0.1:5432/postgres)
# Uses target/release/staffpay (built if missing). Exit status 0 when the restore matches.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
bin=target/release/staffpay
[ -x "$bin" ] || cargo build --release --bin staffpay
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export STAFFPAY_SECRET_KEY="backup-restore-check-secret-key-0123456789"

"$bin" demo-data --people 2000 --seed 11 --out "$work/roster.xlsx" >/dev/null

# Imports act as a user, by token (docs/SECURITY.md).
import_as_admin() {
  DATABASE_URL="$1" "$bin" migrate >/dev/null
  DATABASE_URL="$1" "$bin" users add --username backup.admin --role admin --unit VN \
    --password-stdin <<<"backup check admin password, long enough" >/dev/null
  local token
  token=$(DATABASE_URL="$1" "$bin" users token create --username backup.admin --name backup-cli \
    | grep -oE '[A-Za-z0-9_-]{30,}' | head -n 1)
  STAFFPAY_TOKEN="$token" "$bin" import "$work/roster.xlsx" --database-url "$1" >/dev/null
}

case "$backend" in
  sqlite)
    src="$work/live.db"
    dst="$work/restored.db"
    import_as_admin "$src"
    # SQLite's online backup: a consistent copy even while the service writes.
    sqlite3 "$src" ".backup '$work/backup.db'"
    cp "$work/backup.db" "$dst"
    count() { sqlite3 "$1" "SELECT (SELECT count(*) FROM cases) || ' ' || (SELECT count(*) FROM people) || ' ' || (SELECT coalesce(sum(entitled_vnd),0) FROM cases) || ' ' || (SELECT count(*) FROM audit_events)"; }
    ;;
  postgres)
    admin="${2:-postgres://postgres@127.0.0.1:5432/postgres}"
    base="${admin%/*}"
    name="staffpay_backup_check_$$"
    psql -q "$admin" -c "CREATE DATABASE ${name}_live" -c "CREATE DATABASE ${name}_restored"
    trap 'psql -q "$admin" -c "DROP DATABASE IF EXISTS ${name}_live WITH (FORCE)" -c "DROP DATABASE IF EXISTS ${name}_restored WITH (FORCE)"; rm -rf "$work"' EXIT
    src="$base/${name}_live"
    dst="$base/${name}_restored"
    import_as_admin "$src"
    # pg_dump takes a consistent snapshot while the service runs; custom format for pg_restore.
    pg_dump -Fc -f "$work/backup.dump" "$src"
    pg_restore --no-owner -d "$dst" "$work/backup.dump"
    count() { psql -At "$1" -c "SELECT (SELECT count(*) FROM cases) || ' ' || (SELECT count(*) FROM people) || ' ' || (SELECT coalesce(sum(entitled_vnd),0) FROM cases) || ' ' || (SELECT count(*) FROM audit_events)"; }
    ;;
  *) echo "usage: $0 sqlite|postgres [ADMIN_URL]" >&2; exit 2 ;;
esac

before=$(count "$src")
after=$(count "$dst")
p_src=$("$bin" progress --json --database-url "$src" | sed 's/"as_of":"[^"]*"//')
p_dst=$("$bin" progress --json --database-url "$dst" | sed 's/"as_of":"[^"]*"//')
# The restored database must be usable: migrations current, the service's readiness check.
"$bin" migrate --database-url "$dst" >/dev/null
echo "live:     cases, people, entitled VND, audit events = $before"
echo "restored: cases, people, entitled VND, audit events = $after"
if [ "$before" = "$after" ] && [ "$p_src" = "$p_dst" ]; then
  echo "backup and restore ($backend): identical"
else
  echo "backup and restore ($backend): DIFFERENT" >&2
  exit 1
fi
