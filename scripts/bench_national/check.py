#!/usr/bin/env python3
"""The totals check of scripts/bench-national.sh: the Python pipeline's totals against what
staffpay stored (its SQLite database) and reported (the import's JSON report). Exits 1 when
anything differs, naming it; with --dump (the pipeline's per-person TSV) it lists the people
whose amounts differ.

    check.py --totals TOTALS.json --db STAFFPAY.db --import-json IMPORT.json [--dump AMOUNTS.tsv]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path


def staffpay_totals(db: Path) -> dict:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    units = {uid: (code, path) for uid, code, path in con.execute("SELECT id, code, path FROM units")}
    by_group: dict = {}
    for unit_id, people, total in con.execute(
        "SELECT unit_id, COUNT(*), SUM(entitled_vnd) FROM cases WHERE state <> 'cancelled' GROUP BY unit_id"
    ):
        code, path = units[unit_id]
        # As the reconciliation summary: the unit's top-level ancestor below the nation.
        parts = path.strip("/").split("/")
        top = units.get(int(parts[1]), (code,))[0] if len(parts) > 1 else code
        g = by_group.setdefault(top, {"people": 0, "total_vnd": 0})
        g["people"] += people
        g["total_vnd"] += total
    con.close()
    return {
        "people": sum(g["people"] for g in by_group.values()),
        "total_vnd": sum(g["total_vnd"] for g in by_group.values()),
        "by_group": by_group,
    }


def workbook_totals(path: Path) -> dict:
    """The summary sheet of staffpay's national reconciliation workbook: people and entitled
    per ministry or province, and its total row."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Mã")
    people_col = rows[head].index("Số người nghỉ")
    money_col = rows[head].index("Số tiền được hưởng (đồng)")
    by_group, total = {}, None
    for r in rows[head + 1 :]:
        if r[0] and isinstance(r[people_col], float):
            by_group[r[0]] = {"people": int(r[people_col]), "total_vnd": int(r[money_col])}
        elif str(r[1]).startswith("Tổng cộng"):
            total = {"people": int(r[people_col]), "total_vnd": int(r[money_col])}
            break
    return {"by_group": by_group, **(total or {"people": -1, "total_vnd": -1})}


def per_person(db: Path, dump: Path, limit: int = 20) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    theirs = {
        nid: (amount, salary, band, row)
        for nid, amount, salary, band, row in con.execute(
            "SELECT p.national_id, c.entitled_vnd, c.salary_exact, c.band, c.source_row "
            "FROM cases c JOIN people p ON p.id = c.person_id"
        )
    }
    con.close()
    differ = 0
    mine = set()
    with dump.open(encoding="utf-8") as f:
        for line in f:
            nid, amount, salary, band, row = line.rstrip("\n").split("\t")
            if nid.startswith("row:"):
                continue
            mine.add(nid)
            other = theirs.get(nid)
            if other is None or int(amount) != other[0]:
                differ += 1
                if differ <= limit:
                    print(f"  {nid} (row {row}): python {amount} S={salary} {band}; staffpay {other}")
    only_staffpay = set(theirs) - mine
    for nid in sorted(only_staffpay)[:limit]:
        print(f"  {nid}: computed by staffpay {theirs[nid]}, refused by python")
    return differ + len(only_staffpay)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--totals", type=Path, required=True)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--import-json", type=Path, required=True)
    ap.add_argument("--workbook", type=Path, help="staffpay's reconciliation workbook, checked too")
    ap.add_argument("--dump", type=Path)
    args = ap.parse_args()

    py = json.loads(args.totals.read_text(encoding="utf-8"))
    sp = staffpay_totals(args.db)
    report = json.loads(args.import_json.read_text(encoding="utf-8"))
    rows = report.get("rows", {})
    problems = []

    def same(what: str, a, b) -> None:
        mark = "ok" if a == b else "DIFFERS"
        print(f"  {what:<28} python {a:>22,}   staffpay {b:>22,}   {mark}")
        if a != b:
            problems.append(what)

    print("totals check (python vs staffpay):")
    same("rows read", py["rows"], rows.get("total", -1))
    same("people computed", py["people"], sp["people"])
    same("rows refused", py["refused"], rows.get("invalid", -1))
    same("total entitlement (đồng)", py["total_vnd"], sp["total_vnd"])
    groups = sorted(set(py["by_group"]) | set(sp["by_group"]))
    empty = {"people": 0, "total_vnd": 0}
    differing = [
        g for g in groups if py["by_group"].get(g, empty) != sp["by_group"].get(g, empty)
    ]
    print(f"  {len(groups)} provinces and ministries, {len(groups) - len(differing)} equal")
    for g in differing:
        a, b = py["by_group"].get(g, empty), sp["by_group"].get(g, empty)
        print(
            f"  {g:<8} people python {a['people']:,} / staffpay {b['people']:,}; "
            f"total python {a['total_vnd']:,} / staffpay {b['total_vnd']:,}   DIFFERS"
        )
    if differing:
        problems.append(f"{len(differing)} provinces or ministries")
    if args.workbook:
        wb = workbook_totals(args.workbook)
        same("workbook: people", py["people"], wb["people"])
        same("workbook: total (đồng)", py["total_vnd"], wb["total_vnd"])
        if wb["by_group"] != sp["by_group"]:
            print("  workbook summary rows differ from the database   DIFFERS")
            problems.append("workbook summary rows")
    if py.get("refused_by_code"):
        print(f"  python refusals by code: {py['refused_by_code']}")
    if problems and args.dump:
        print("people whose amounts differ (first 20):")
        n = per_person(args.db, args.dump)
        print(f"  {n} people differ")
    if problems:
        print(f"TOTALS DIFFER: {', '.join(problems)}")
        return 1
    print("totals equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
