#!/usr/bin/env python3
"""The analyst's pipeline of scripts/bench-national.sh: read the national roster with pandas
(calamine reader), compute each entitlement with exact decimals (rules.py, a port of staffpay's
engine driven by policy_tables/*.toml), write a workbook with a summary by province / ministry
and a detail sheet (XlsxWriter, constant-memory mode), and the totals as JSON for the check.

    pipeline.py ROSTER --out OUT.xlsx --totals TOTALS.json [--policy-dir DIR] [--dump AMOUNTS.tsv]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import re
import sys
import time
import unicodedata
from collections import Counter
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rules import COMPONENTS, Engine, Facts, Policy, Refused  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

# ------------------------------------------------------------------------------ headers
# Folded header (or "group label") -> field; the roster columns of src/import/columns.rs.
HEADERS = {
    "seq": ["STT", "Số thứ tự", "TT", "No"],
    "full_name": ["Họ và tên", "Họ tên", "Full name", "Name"],
    "national_id": ["Số định danh cá nhân", "Số CCCD", "CCCD", "Số định danh", "National ID"],
    "date_of_birth": ["Ngày sinh", "Ngày, tháng, năm sinh", "Năm sinh", "Date of birth"],
    "sex": ["Giới tính", "Sex", "Gender"],
    "unit_code": ["Mã đơn vị", "Unit code"],
    "unit_name": ["Đơn vị công tác", "Đơn vị", "Tên đơn vị", "Unit"],
    "category": ["Đối tượng", "Category"],
    "rank": ["Cấp bậc", "Quân hàm", "Rank"],
    "scheme": ["Hình thức nghỉ", "Hình thức", "Scheme"],
    "article": ["Điều áp dụng", "Điều", "Article"],
    "grade": ["Hệ số lương", "Grade coefficient"],
    "leadership": ["Hệ số phụ cấp chức vụ", "Phụ cấp chức vụ", "Leadership coefficient"],
    "retention": ["Hệ số chênh lệch bảo lưu", "Chênh lệch bảo lưu", "Retention coefficient"],
    "beyond_pct": ["Phụ cấp thâm niên vượt khung", "Thâm niên vượt khung"],
    "professional_seniority": ["Phụ cấp thâm niên nghề", "Thâm niên nghề"],
    "occupational_preferential": ["Phụ cấp ưu đãi nghề", "Ưu đãi nghề"],
    "occupational_responsibility": ["Phụ cấp trách nhiệm nghề", "Trách nhiệm nghề"],
    "public_service": ["Phụ cấp công vụ", "Công vụ"],
    "party_union_work": ["Phụ cấp công tác Đảng, đoàn thể", "Công tác Đảng, đoàn thể"],
    "armed_forces_special": ["Phụ cấp đặc thù lực lượng vũ trang", "Đặc thù lực lượng vũ trang"],
    "contract_wage": ["Tiền lương theo hợp đồng", "Lương theo hợp đồng"],
    "stated": ["Tiền lương hiện hưởng", "Lương hiện hưởng"],
    "monthly_allowance": ["Phụ cấp hằng tháng", "Phụ cấp hàng tháng"],
    "former_post_salary": ["Lương chức danh cũ", "Tiền lương chức danh cũ"],
    "concurrent_post_allowance": ["Phụ cấp kiêm nhiệm"],
    "insured_months": ["Thời gian đóng BHXH (tháng)", "Số tháng đóng BHXH"],
    "insured_years": ["Số năm đóng BHXH", "Thời gian đóng BHXH Số năm", "Thời gian đóng BHXH Năm"],
    "insured_extra": ["Số tháng lẻ", "Thời gian đóng BHXH Số tháng lẻ", "Thời gian đóng BHXH Số tháng"],
    "worked_months": ["Thời gian công tác (tháng)", "Số tháng công tác"],
    "receiving_pension": ["Đang hưởng lương hưu"],
    "receiving_incapacity_benefit": ["Hưởng trợ cấp mất sức lao động", "Trợ cấp mất sức lao động"],
    "moved_to_village_post": ["Chuyển sang thôn, tổ dân phố"],
    "reduced_age": ["Tuổi nghỉ hưu thấp hơn (Phụ lục II)"],
    "reorganization": ["Ngày hiệu lực quyết định sắp xếp", "Ngày hiệu lực sắp xếp"],
    "decision": ["Ngày quyết định cho nghỉ", "Ngày quyết định"],
    "leave": ["Ngày nghỉ", "Ngày nghỉ việc", "Thời điểm nghỉ"],
    "province": ["Mã tỉnh", "Province code"],
    "bank_account": ["Số tài khoản", "Ngân hàng Số tài khoản"],
    "bank": ["Ngân hàng", "Tên ngân hàng", "Ngân hàng Tên ngân hàng"],
}
REQUIRED = ("full_name", "national_id", "date_of_birth", "sex", "category", "scheme", "leave")


def fold(text: str) -> str:
    """Case, diacritics, punctuation and a bracketed unit such as (%) do not matter."""
    t = re.sub(r"\([^)]*\)", " ", str(text)).replace("đ", "d").replace("Đ", "D")
    t = unicodedata.normalize("NFD", t)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", t))


FIELD_OF = {fold(h): field for field, names in HEADERS.items() for h in names}
# Both keys exist for some headers (e.g. "(tháng)" folds away); the more specific wins.
FIELD_OF[fold("Thời gian đóng BHXH (tháng)")] = "insured_months"

CATEGORIES = {
    fold(k): v
    for k, v in {
        "Cán bộ, công chức": "cadre_civil_servant",
        "Viên chức": "public_employee",
        "Lao động hợp đồng": "contract_worker",
        "Không chuyên trách cấp xã": "commune_part_time",
        "Lực lượng vũ trang": "armed_forces",
    }.items()
}
SCHEMES = {
    fold(k): v
    for k, v in {"Nghỉ hưu trước tuổi": "early_retirement", "Thôi việc": "quit", "Nghỉ việc": "part_time_leave"}.items()
}
RANKS = {
    fold(k): v
    for k, v in {
        "Thiếu úy": "second_lieutenant",
        "Trung úy": "lieutenant",
        "Thượng úy": "senior_lieutenant",
        "Đại úy": "captain",
        "Thiếu tá": "major",
        "Trung tá": "lieutenant_colonel",
        "Thượng tá": "senior_lieutenant_colonel",
        "Đại tá": "colonel",
        "Thiếu tướng": "major_general",
        "Trung tướng": "lieutenant_general",
        "Thượng tướng": "colonel_general",
        "Đại tướng": "general",
    }.items()
}
SEXES = {"nam": "male", "nu": "female", "male": "male", "female": "female"}
YES = {"co", "x", "1", "yes", "true"}
NO = {"khong", "0", "no", "false"}
SCHEME_VI = {"early_retirement": "Nghỉ hưu trước tuổi", "quit": "Thôi việc", "part_time_leave": "Nghỉ việc"}


class RowError(Exception):
    """A cell the roster reader refuses (the row is not imported)."""


def blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


# ------------------------------------------------------------------------------ cells
_dec_cache: dict = {}


def number(v, percent: bool = False):
    """A coefficient or percentage cell: at most 4 decimals, 0..=100 (as the reader)."""
    if blank(v):
        return None
    key = (v, percent)
    hit = _dec_cache.get(key)
    if hit is not None:
        return hit
    if isinstance(v, str):
        t = v.strip().rstrip("%").strip().replace(",", ".")
        d = Decimal(t)
    else:
        d = Decimal(repr(float(v))) if isinstance(v, float) else Decimal(int(v))
        if percent and 0 < d < 1:
            d *= 100
    d = d.normalize()
    if d.as_tuple().exponent < -4 or d < 0 or d > 100:
        raise RowError("number out of range or too many decimals")
    _dec_cache[key] = d
    return d


def money(v):
    if blank(v):
        return None
    if isinstance(v, str):
        v = re.sub(r"[\s.,]|đồng|đ|VND|VNĐ", "", v)
    d = Decimal(repr(float(v))) if isinstance(v, float) else Decimal(v)
    if d != d.to_integral_value() or d < 0 or d > 1_000_000_000_000:
        raise RowError("amount not whole or out of range")
    return Decimal(int(d))


def whole(v, top: int):
    if blank(v):
        return None
    n = float(v)
    if n != int(n) or not 0 <= n <= top:
        raise RowError("whole number out of range")
    return int(n)


EPOCH = dt.date(1899, 12, 30)


def date(v):
    if blank(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, (int, float)):
        return EPOCH + dt.timedelta(days=int(v))
    m = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", v) or None
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    return dt.date.fromisoformat(v.strip()[:10])


def birth(v):
    """(birth month index, birth date): a date, `mm/yyyy` or a year (text or number)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 1900 <= v <= 2100:
        y = int(v)
        return y * 12, dt.date(y, 1, 1), y
    if isinstance(v, str):
        t = v.strip()
        if re.fullmatch(r"\d{4}", t):
            y = int(t)
            return y * 12, dt.date(y, 1, 1), y
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", t)
        if m:
            y, mo = int(m[2]), int(m[1])
            return y * 12 + mo - 1, dt.date(y, mo, 1), y
    d = date(v)
    if d is None:
        raise RowError("date of birth missing")
    return d.year * 12 + d.month - 1, d, d.year


def yes_no(v):
    if blank(v):
        return None
    if isinstance(v, bool):
        return v
    k = fold(v)
    if k in YES:
        return True
    if k in NO:
        return False
    raise RowError("yes/no")


def load_codes(name: str, column: int = 0) -> dict:
    with (REPO / "reference" / name).open(encoding="utf-8") as f:
        return {row[0]: row[column] for row in csv.reader(f) if row and row[0] != "code"}


BIRTH_PROVINCES = set(load_codes("birth-province-codes.csv"))


def national_id(v, sex: str, year: int) -> str:
    """Src/domain/national_id.rs: 12 digits (10-11 with the zeros Excel dropped), a known
    birth-province code, a century digit matching the row's sex and birth year."""
    if isinstance(v, float):
        v = str(int(v))
    t = str(v).strip().lstrip("'")
    if re.search(r"[^0-9 .\-\u00a0]", t):
        raise RowError("national id not digits")
    digits = re.sub(r"\D", "", t)
    if len(digits) in (10, 11):
        digits = digits.rjust(12, "0")
    if len(digits) != 12 or digits[:3] not in BIRTH_PROVINCES or digits[3] not in "0123":
        raise RowError("national id invalid")
    c = int(digits[3])
    id_sex = "male" if c % 2 == 0 else "female"
    id_year = (1900 if c < 2 else 2000) + int(digits[4:6])
    if id_sex != sex or id_year != year:
        raise RowError("national id does not match sex or birth year")
    return digits


# ------------------------------------------------------------------------------ read
def read_roster(path: Path) -> pd.DataFrame:
    """The first sheet, its two-row header found and named, the data rows only."""
    raw = pd.read_excel(path, sheet_name=0, engine="calamine", header=None, dtype=object)
    header_row = None
    for i in range(min(40, len(raw))):
        keys = {FIELD_OF.get(fold(v)) for v in raw.iloc[i] if not blank(v)}
        if {"full_name", "national_id"} <= keys:
            header_row = i
            break
    if header_row is None:
        raise SystemExit(f"{path}: no header row with the name and national id columns")
    top, below = raw.iloc[header_row].tolist(), raw.iloc[header_row + 1].tolist()
    names, group = {}, None
    for c, (t, b) in enumerate(zip(top, below)):
        if not blank(t):
            group = str(t)
        if blank(b):
            field = FIELD_OF.get(fold(t)) if not blank(t) else None
        else:
            field = FIELD_OF.get(fold(f"{group} {b}")) or FIELD_OF.get(fold(b))
        if field and field not in names.values():
            names[c] = field
    missing = [f for f in REQUIRED if f not in names.values()]
    if missing:
        raise SystemExit(f"{path}: required columns missing: {missing}")
    df = raw.iloc[header_row + 2 :].rename(columns=names)[list(names.values())]
    # The numbering row "(1) (2) ...", then data until the "Tổng cộng" row.
    name_key = df["full_name"].map(lambda v: fold(v) if isinstance(v, str) else "")
    total_at = name_key.str.startswith("tong cong")
    if total_at.any():
        df = df.loc[: total_at.idxmax() - 1]
    numbering = df["full_name"].astype(str).str.fullmatch(r"\(\d+\)")
    df = df[~numbering & ~(df["full_name"].map(blank) & df["national_id"].map(blank))]
    for field in HEADERS:
        if field not in df.columns:
            df[field] = None
    return df


# ------------------------------------------------------------------------------ compute
BAD = object()  # a cell the reader refuses


def column(series: pd.Series, convert) -> list:
    """One column converted, each distinct value once (vectorised lookup); empty cells None,
    refused cells BAD."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)  # the last slot (code -1): empty cell
    for j, v in enumerate(uniques):
        try:
            table[j] = convert(v)
        except (RowError, ValueError, ArithmeticError):
            table[j] = BAD
    return table[codes].tolist()


def vocabulary(words: dict):
    def convert(v):
        found = words.get(fold(v))
        if found is None:
            raise RowError("unknown value")
        return found

    return convert


def article(v) -> str:
    a = fold(v).replace(" ", "")
    if a not in ("7", "7a", "7b"):
        raise RowError("article")
    return a


def province(v) -> str:
    return str(v).strip().zfill(2)


ALLOWANCE_FIELDS = (
    "public_service",
    "professional_seniority",
    "occupational_preferential",
    "occupational_responsibility",
    "party_union_work",
    "armed_forces_special",
)


def typed_columns(df: pd.DataFrame) -> dict:
    pct = lambda v: number(v, percent=True)  # noqa: E731
    converters = {
        "sex": vocabulary(SEXES),
        "date_of_birth": birth,
        "category": vocabulary(CATEGORIES),
        "scheme": vocabulary(SCHEMES),
        "rank": vocabulary(RANKS),
        "article": article,
        "grade": number,
        "leadership": number,
        "retention": number,
        "beyond_pct": pct,
        **{a: pct for a in ALLOWANCE_FIELDS},
        "contract_wage": money,
        "stated": money,
        "monthly_allowance": money,
        "former_post_salary": money,
        "concurrent_post_allowance": money,
        "insured_months": lambda v: whole(v, 720),
        "insured_years": lambda v: whole(v, 60),
        "insured_extra": lambda v: whole(v, 11),
        "worked_months": lambda v: whole(v, 720),
        "receiving_pension": yes_no,
        "receiving_incapacity_benefit": yes_no,
        "moved_to_village_post": yes_no,
        "reduced_age": yes_no,
        "reorganization": date,
        "decision": date,
        "leave": date,
        "province": province,
    }
    cols = {name: column(df[name], fn) for name, fn in converters.items()}
    cols["national_id"] = df["national_id"].tolist()
    return cols


def compute(df: pd.DataFrame, engine: Engine):
    """Every row: (row index, national id, facts, band, S, components, total) or a refusal."""
    c = typed_columns(df)
    n = len(df)
    people, refused = [], []
    seen: dict = {}
    allowance_cols = [c[a] for a in ALLOWANCE_FIELDS]
    for i in range(n):
        row = {k: v[i] for k, v in c.items()}
        bad = [k for k, v in row.items() if v is BAD]
        if bad or row["sex"] is None or row["date_of_birth"] is None or row["category"] is None \
                or row["scheme"] is None or row["leave"] is None:  # fmt: skip
            refused.append((i, "row_invalid", ", ".join(bad) or "required cell empty"))
            continue
        birth_ym, birth_date, birth_year = row["date_of_birth"]
        try:
            nid = national_id(row["national_id"], row["sex"], birth_year)
            insured = row["insured_months"]
            if row["insured_years"] is not None:
                pair = row["insured_years"] * 12 + (row["insured_extra"] or 0)
                if insured is not None and insured != pair:
                    raise RowError("insured months conflict")
                insured = pair if insured is None else insured
        except (RowError, ValueError) as e:
            refused.append((i, "row_invalid", str(e)))
            continue
        allowances = {a: col[i] for a, col in zip(ALLOWANCE_FIELDS, allowance_cols) if col[i] is not None}
        facts = Facts(
            row["scheme"],
            row["category"],
            row["sex"],
            birth_ym,
            birth_date,
            row["leave"],
            reduced_age=bool(row["reduced_age"]),
            rank=row["rank"],
            grade=row["grade"],
            leadership=row["leadership"],
            retention=row["retention"],
            beyond_pct=row["beyond_pct"],
            allowances=allowances,
            contract_wage=row["contract_wage"],
            stated=row["stated"],
            monthly_allowance=row["monthly_allowance"],
            former_post_salary=row["former_post_salary"],
            concurrent_post_allowance=row["concurrent_post_allowance"],
            insured_months=insured,
            worked_months=row["worked_months"],
            receiving_pension=bool(row["receiving_pension"]),
            receiving_incapacity_benefit=bool(row["receiving_incapacity_benefit"]),
            moved_to_village_post=bool(row["moved_to_village_post"]),
            reorganization=row["reorganization"],
            decision=row["decision"],
            article=row["article"] or "7",
            province=row["province"],
        )
        if nid in seen:
            # The same national id on two rows: both rows are rejected.
            refused.append((i, "national_id_duplicate", nid))
            j = seen[nid]
            if j is not None:
                refused.append((people[j][0], "national_id_duplicate", nid))
                people[j] = None
                seen[nid] = None
            continue
        try:
            band, s, parts = engine.compute(facts)
        except Refused as e:
            refused.append((i, e.code, e.reason))
            seen[nid] = None
            continue
        seen[nid] = len(people)
        people.append((i, nid, facts, band, s, parts, sum(parts.values())))
    return [p for p in people if p is not None], refused


def top_unit(unit_code, province) -> str:
    """The ministry or province a unit sits under (staffpay creates `79-X0001` under `79`)."""
    if blank(unit_code):
        return "VN"
    prefix = str(unit_code).strip().split("-", 1)[0].upper()
    if prefix.isdigit() and not blank(province):
        return str(province).strip().zfill(2)
    return prefix


# ------------------------------------------------------------------------------ write
def write_workbook(path: Path, text: dict, people, refused, groups, names) -> None:
    # Constant memory: rows stream to a temporary file; no URL or formula sniffing of strings.
    options = {"constant_memory": True, "strings_to_urls": False, "strings_to_formulas": False}
    wb = xlsxwriter.Workbook(str(path), options)
    bold = wb.add_format({"bold": True})
    vnd = wb.add_format({"num_format": "#,##0"})
    vnd_bold = wb.add_format({"num_format": "#,##0", "bold": True})
    exact = wb.add_format({"num_format": "#,##0.######"})

    ws = wb.add_worksheet("Tổng hợp")
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 3, 10)
    ws.set_column(4, 4, 20, vnd)
    ws.write_row(0, 0, ["Mã", "Bộ, ngành, tỉnh", "Số người", "Từ chối", "Số tiền được hưởng (đồng)"], bold)
    row = 1
    for code in sorted(groups):
        g = groups[code]
        ws.write_row(row, 0, [code, names.get(code, code), g["people"], g["refused"], g["total_vnd"]])
        row += 1
    ws.write(row, 1, "Tổng cộng", bold)
    ws.write_formula(row, 2, f"=SUM(C2:C{row})", bold, sum(g["people"] for g in groups.values()))
    ws.write_formula(row, 3, f"=SUM(D2:D{row})", bold, sum(g["refused"] for g in groups.values()))
    ws.write_formula(row, 4, f"=SUM(E2:E{row})", vnd_bold, sum(g["total_vnd"] for g in groups.values()))

    ws = wb.add_worksheet("Chi tiết")
    header = ["Dòng", "Số định danh", "Họ và tên", "Mã đơn vị", "Đơn vị", "Bộ, ngành, tỉnh", "Chế độ", "Nhóm"]
    header += ["Tiền lương tháng S (đồng)", *COMPONENTS, "Tổng được hưởng (đồng)"]
    ws.write_row(0, 0, header, bold)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 24)
    ws.set_column(4, 4, 40)
    ws.set_column(8, 8, 16, exact)
    ws.set_column(9, 9 + len(COMPONENTS), 14, vnd)
    # Typed writes, and only the components a person has (most have three of thirteen).
    number, string = ws.write_number, ws.write_string
    component_col = {c: 9 + k for k, c in enumerate(COMPONENTS)}
    total_col = 9 + len(COMPONENTS)
    first = 1
    for n, (i, nid, facts, band, s, parts, total) in enumerate(people, start=first):
        number(n, 0, text["row"][i])
        string(n, 1, nid)
        string(n, 2, text["full_name"][i])
        string(n, 3, text["unit_code"][i])
        string(n, 4, text["unit_name"][i])
        string(n, 5, text["group"][i])
        string(n, 6, SCHEME_VI[facts.scheme])
        string(n, 7, band)
        number(n, 8, float(s))
        for code, amount in parts.items():
            number(n, component_col[code], amount)
        number(n, total_col, total)
    last = len(people) + first
    ws.write(last, 2, "Tổng cộng", bold)
    col = xlsxwriter.utility.xl_col_to_name(total_col)
    grand = sum(p[6] for p in people)
    ws.write_formula(last, total_col, f"=SUM({col}2:{col}{last})", vnd_bold, grand)

    ws = wb.add_worksheet("Từ chối")
    ws.write_row(0, 0, ["Dòng", "Họ và tên", "Mã", "Lý do"], bold)
    for n, (i, code, reason) in enumerate(sorted(refused), start=1):
        ws.write_row(n, 0, [text["row"][i], text["full_name"][i], code, reason])
    wb.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("roster", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--totals", type=Path, required=True)
    ap.add_argument("--policy-dir", type=Path, default=REPO / "policy_tables")
    ap.add_argument("--dump", type=Path, help="also write national id, amount and S per person (TSV)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    df = read_roster(args.roster)
    t1 = time.perf_counter()
    engine = Engine(Policy(args.policy_dir))
    people, refused = compute(df, engine)
    text = {k: df[k].fillna("").astype(str).tolist() for k in ("full_name", "unit_code", "unit_name")}
    # The ministry or province of each row, as staffpay's national summary groups units.
    text["group"] = [top_unit(u, p) for u, p in zip(df["unit_code"].tolist(), df["province"].tolist())]
    text["row"] = (df.index + 1).tolist()  # the Excel row number, as staffpay reports rows
    groups: dict = {}
    for i, _nid, _f, _band, _s, _parts, total in people:
        g = groups.setdefault(text["group"][i], {"people": 0, "refused": 0, "total_vnd": 0})
        g["people"] += 1
        g["total_vnd"] += total
    for i, _code, _reason in refused:
        g = groups.setdefault(text["group"][i], {"people": 0, "refused": 0, "total_vnd": 0})
        g["refused"] += 1
    t2 = time.perf_counter()
    names = load_codes("provinces-2025.csv", 1) | load_codes("central-bodies-2025.csv", 1)
    write_workbook(args.out, text, people, refused, groups, names)
    t3 = time.perf_counter()

    totals = {
        "rows": len(df),
        "people": len(people),
        "refused": len(refused),
        "refused_by_code": dict(Counter(code for _, code, _ in refused)),
        "total_vnd": sum(p[6] for p in people),
        "by_group": {k: {"people": v["people"], "total_vnd": v["total_vnd"]} for k, v in sorted(groups.items())},
        "timings_s": {"read": round(t1 - t0, 3), "compute": round(t2 - t1, 3), "write": round(t3 - t2, 3)},
    }
    args.totals.write_text(json.dumps(totals, ensure_ascii=False, indent=1))
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as f:
            for i, nid, _f, band, s, _parts, total in people:
                f.write(f"{nid}\t{total}\t{s}\t{band}\t{text['row'][i]}\n")
            for i, code, reason in refused:
                f.write(f"row:{text['row'][i]}\trefused\t{code}\t{reason}\t{text['row'][i]}\n")
    print(
        f"python: {len(df)} rows, {len(people)} people, {len(refused)} refused, "
        f"total {totals['total_vnd']:,} đồng (read {t1 - t0:.1f} s, compute {t2 - t1:.1f} s, "
        f"write {t3 - t2:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
