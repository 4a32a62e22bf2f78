#!/usr/bin/env bash
# Peak memory of a freshly started `staffpay serve` that receives decompression bombs (issue 15,
# item 1): generates each kind of bomb (huge shared string, huge inline string, many parts,
# huge sheet XML, a zip directory understating its size), posts every one to
# `POST /api/v1/imports?dry_run=true` as a unit officer, prints each answer's code and the
# server's peak resident memory (VmHWM from /proc/PID/status), and fails above LIMIT_MB
# (default 300).
#   scripts/bomb-rss.sh            STAFFPAY_BIN=path runs another build (default: release)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${STAFFPAY_BIN:-target/release/staffpay}"
[ -n "${STAFFPAY_BIN:-}" ] || cargo build --release --bin staffpay >/dev/null
limit_mb="${LIMIT_MB:-300}"
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export STAFFPAY_SECRET_KEY="bomb-test-secret-key-bomb-test-secret-key-0123"
export STAFFPAY_POLICY_DIR="$PWD/policy_tables"
export DATABASE_URL="$work/bombs.db"

echo "== generating bombs in $work"
python3 - "$work" <<'PY'
import struct, sys, zipfile
out = sys.argv[1]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
SHEET = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
STRINGS = f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>x</t></si></sst>'
MB = 1 << 20

def repeat(head, fill, total, tail):
    return (head.encode(), fill, total, tail.encode())

def write(name, sheet=None, strings=None, extra=()):
    with zipfile.ZipFile(f"{out}/{name}", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        parts = [("xl/worksheets/sheet1.xml", sheet or SHEET), ("xl/sharedStrings.xml", strings or STRINGS)] + list(extra)
        for part, body in parts:
            if isinstance(body, str):
                z.writestr(part, body)
                continue
            head, fill, total, tail = body
            with z.open(part, "w", force_zip64=False) as f:
                f.write(head)
                chunk = fill * (MB // len(fill))
                left = total
                while left > 0:
                    n = min(left, len(chunk))
                    f.write(chunk[:n])
                    left -= n
                f.write(tail)

cell = b'<c r="A1" t="s"><v>0</v></c>'
write("shared-string.xlsx", strings=repeat(f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>', b"A", 1536 * MB, "</t></si></sst>"))
write("inline-string.xlsx", sheet=repeat(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>', b"B", 1024 * MB, "</t></is></c></row></sheetData></worksheet>"))
write("many-parts.xlsx", extra=[(f"xl/media/fill{i}.bin", (b"", b"\0", 2 * MB, b"")) for i in range(1200)])
write("huge-sheet.xlsx", sheet=repeat(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">', cell, 1536 * MB, "</row></sheetData></worksheet>"))
# The same huge sheet, its sizes in the local header and central directory patched to 2,000.
write("understated.xlsx", sheet=repeat(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">', cell, 1536 * MB, "</row></sheetData></worksheet>"))
data = bytearray(open(f"{out}/understated.xlsx", "rb").read())
name = b"xl/worksheets/sheet1.xml"
for sig, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
    i = data.find(sig)
    while i >= 0:
        if data[i + name_at:i + name_at + len(name)] == name:
            data[i + size_at:i + size_at + 4] = struct.pack("<I", 2000)
        i = data.find(sig, i + 1)
open(f"{out}/understated.xlsx", "wb").write(bytes(data))
PY
ls -l "$work"/*.xlsx | awk '{printf "   %-20s %10d bytes\n", $NF, $5}' | sed "s|$work/||"

"$bin" migrate >/dev/null
"$bin" users add --username bomb.officer --role unit_officer --unit 79 --password-stdin \
  <<<"bomb test password, long enough" >/dev/null
token=$("$bin" users token create --username bomb.officer --name bombs | grep -oE '[A-Za-z0-9_-]{30,}' | head -n 1)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUST_LOG=warn "$bin" serve --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
hwm() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$server/status"; }
echo "== serve (pid $server) started: VmHWM $(hwm) MB"

for bomb in shared-string inline-string many-parts huge-sheet understated; do
  started=$(date +%s.%N)
  answer=$(curl -s -H "Authorization: Bearer $token" -F "file=@$work/$bomb.xlsx" \
    "http://127.0.0.1:$port/api/v1/imports?unit=79&dry_run=true")
  took=$(python3 -c "import time; print(f'{time.time() - $started:.1f}')")
  code=$(grep -oE '"code":"[A-Z_]+"' <<<"$answer" | head -n 1)
  echo "   $bomb: $code (${took} s), VmHWM now $(hwm) MB"
done
peak=$(hwm)
echo "== peak resident memory (VmHWM) after every bomb: $peak MB (limit $limit_mb MB)"
[ "$peak" -lt "$limit_mb" ]
