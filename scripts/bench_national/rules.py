"""A straightforward port of staffpay's entitlement engine (src/domain/entitlement/) to Python.

Every number comes from policy_tables/*.toml (read with tomllib); money is decimal.Decimal
throughout, each component rounded half-up to the whole dong, the total the sum of the rounded
components (policy_tables/rounding.toml). Refusals carry staffpay's refusal codes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import tomllib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

# Wide enough that no product is ever rounded (staffpay's decimals are exact here too).
decimal.getcontext().prec = 60

ZERO = Decimal(0)
PERCENT = Decimal("0.01")
DONG = Decimal(1)

MAX_COEFFICIENT = Decimal(15)
MAX_PERCENT = Decimal(200)
MAX_MONTHLY_VND = Decimal(10_000_000_000)
MAX_MONTHS = 1200

COMPONENTS = (
    "months_early",
    "years_early",
    "insured_years",
    "severance",
    "insured_years_quit",
    "job_search",
    "part_time_lump",
    "part_time_years",
    "part_time_job_search",
    "part_time_flat",
    "local_lump",
    "local_years_early",
    "local_insured_years",
)


class Refused(Exception):
    """The engine gives no entitlement: staffpay's refusal code and a short reason."""

    def __init__(self, code: str, reason: str = ""):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def invalid(reason: str) -> Refused:
    return Refused("invalid_input", reason)


def ym(d: dt.date) -> int:
    """A calendar month as months since January of year 0."""
    return d.year * 12 + d.month - 1


def ym_text(text: str) -> int:
    y, m = text.split("-")
    return int(y) * 12 + int(m) - 1


def add_months(d: dt.date, months: int) -> dt.date:
    """chrono's checked_add_months: the day is clamped to the end of the target month."""
    m0 = d.month - 1 + months
    year, month = d.year + m0 // 12, m0 % 12 + 1
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (nxt - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


def _date(v) -> dt.date:
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


def _dec(v) -> Decimal:
    if isinstance(v, float):
        raise ValueError("policy tables never hold floats")
    return Decimal(str(v))


def round_half_up(x: Decimal) -> int:
    return int(x.quantize(DONG, rounding=ROUND_HALF_UP))


class Periods:
    """`[[period]]` tables selected by a date: from inclusive, until exclusive."""

    def __init__(self, periods: list[dict]):
        self.items = []
        for p in periods:
            start = _date(p["from"])
            until = _date(p["until"]) if "until" in p else None
            self.items.append((start, until, p))

    def on(self, d: dt.date):
        for start, until, p in self.items:
            if start <= d and (until is None or d < until):
                return p
        return None


class Policy:
    """The policy tables of one folder, with their numbers as Decimals and dates as dates."""

    def __init__(self, folder: Path):
        files = {}
        top_ups = {}
        for path in sorted(folder.glob("*.toml")):
            with path.open("rb") as f:
                doc = tomllib.load(f)
            kind = doc["meta"]["kind"]
            if kind == "provincial_top_up":
                top_ups[doc["province"]["code"]] = doc
            else:
                files[kind] = doc
        self.versions = {d["meta"]["id"]: d["meta"]["version"] for d in files.values()}
        self.base_salary = Periods(files["base_salary"]["period"])
        self.counting = Periods([self._counting(p) for p in files["counting"]["period"]])
        self.salary = Periods([self._salary(p) for p in files["salary"]["period"]])
        self.retirement_age = Periods([self._ages(p) for p in files["retirement_age"]["period"]])
        self.armed_forces = Periods(files["armed_forces_service_age"]["period"])
        self.early = Periods([self._early(p) for p in files["early_retirement"]["period"]])
        self.quit = Periods([self._quit(p) for p in files["quit"]["period"]])
        self.part_time = Periods([self._part_time(p) for p in files["part_time"]["period"]])
        self.threshold = Periods(files["pension_threshold"]["period"])
        self.interp = Periods([self._interp(p) for p in files["interpretations"]["period"]])
        self.top_ups = {
            code: Periods([self._top_up(p) for p in doc["period"]]) for code, doc in top_ups.items()
        }
        rounding = files["rounding"]["settings"]
        expected = ("exact", "half_up_dong", "sum_of_rounded_components")
        got = (rounding["salary"], rounding["component"], rounding["total"])
        if got != expected:
            raise ValueError(f"rounding.toml: only {expected} is ported, found {got}")

    @staticmethod
    def _counting(p):
        table = [ZERO] * 12
        for step in p["odd_months"]:
            for m in range(step["from"], step["to"] + 1):
                table[m] = _dec(step["years"])
        return dict(p, odd_table=table)

    @staticmethod
    def _salary(p):
        included = {a for a, v in p["allowances"].items() if v == "included"}
        return dict(p, included=included)

    @staticmethod
    def _ages(p):
        schedules = {}
        for s in p["schedule"]:
            months = lambda a: a["years"] * 12 + a["months"]  # noqa: E731
            schedules[(s["appendix"], s["sex"])] = (
                ym_text(s["first_birth_month"]),
                months(s["age_before"]),
                months(s["base_age"]),
                s["step_months"],
                max(s["every_birth_months"], 1),
                months(s["cap"]),
            )
        return dict(p, schedules=schedules)

    @staticmethod
    def _early(p):
        bands = []
        for b in p["band"]:
            bands.append(
                dict(
                    b,
                    months_factor_inside=_dec(b["months_factor_inside"]),
                    months_factor_outside=_dec(b["months_factor_outside"]),
                    per_year_early=_dec(b["per_year_early"]),
                )
            )
        variants = {
            v["code"]: (_dec(v["base_months"]), _dec(v["threshold_years"]), _dec(v["per_year_above"]))
            for v in p["insured_years_variant"]
        }
        return dict(p, band=bands, variants=variants)

    @staticmethod
    def _quit(p):
        cats = {c["category"]: c for c in p["category"]}
        return dict(
            p,
            categories=cats,
            severance_factor_inside=_dec(p["severance_factor_inside"]),
            severance_factor_outside=_dec(p["severance_factor_outside"]),
            insured_years_factor=_dec(p["insured_years_factor"]),
            job_search_months=_dec(p["job_search_months"]),
        )

    @staticmethod
    def _part_time(p):
        out = dict(p)
        for k in ("lump_factor", "per_year_worked", "job_search_months", "flat_months"):
            out[k] = _dec(p[k])
        out["leave_before"] = _date(p["leave_before"]) if "leave_before" in p else None
        return out

    @staticmethod
    def _interp(p):
        out = dict(p)
        for k in (
            "article_7a_window_start",
            "salary_retention_counts_from",
            "decree_67_top_up_decisions_before",
            "top_up_decisions_before",
        ):
            out[k] = _date(p[k])
        out["variants"] = sorted((_date(v["from"]), v["variant"]) for v in p["insured_years_variants"])
        return out

    @staticmethod
    def _top_up(p):
        return dict(
            p,
            lump_months=_dec(p["lump_months"]),
            insured_base_months=_dec(p["insured_base_months"]),
            insured_threshold_years=_dec(p["insured_threshold_years"]),
            insured_per_year_above=_dec(p["insured_per_year_above"]),
            per_year=({b["code"]: _dec(b["per_year_early"]) for b in p["band"]}),
        )


@dataclass(slots=True)
class Facts:
    """One validated case (staffpay's PersonFacts)."""

    scheme: str
    category: str
    sex: str
    birth_ym: int
    birth_date: dt.date
    leave: dt.date
    reduced_age: bool = False
    rank: str | None = None
    grade: Decimal | None = None
    leadership: Decimal | None = None
    retention: Decimal | None = None
    beyond_pct: Decimal | None = None
    allowances: dict = field(default_factory=dict)
    contract_wage: Decimal | None = None
    stated: Decimal | None = None
    monthly_allowance: Decimal | None = None
    former_post_salary: Decimal | None = None
    concurrent_post_allowance: Decimal | None = None
    insured_months: int | None = None
    worked_months: int | None = None
    receiving_pension: bool = False
    receiving_incapacity_benefit: bool = False
    moved_to_village_post: bool = False
    reorganization: dt.date | None = None
    decision: dt.date | None = None
    article: str = "7"
    province: str | None = None


def check_facts(f: Facts) -> None:
    """PersonFacts::parse: ranges and consistency (dates are already real dates)."""
    if f.leave <= f.birth_date:
        raise invalid("leave_date before date_of_birth")
    if f.rank is not None and f.category != "armed_forces":
        raise invalid("rank applies only to armed_forces")
    if f.scheme != "part_time_leave" and (
        f.receiving_incapacity_benefit or f.moved_to_village_post or f.former_post_salary is not None
    ):
        raise invalid("part-time field on another scheme")
    for name, v, top in (
        ("grade", f.grade, MAX_COEFFICIENT),
        ("leadership", f.leadership, MAX_COEFFICIENT),
        ("retention", f.retention, MAX_COEFFICIENT),
        ("beyond_pct", f.beyond_pct, MAX_PERCENT),
    ):
        if v is not None and not (ZERO <= v <= top):
            raise invalid(f"{name} out of range")
    for v in f.allowances.values():
        if not (ZERO <= v <= MAX_PERCENT):
            raise invalid("allowance out of range")
    for v in (f.contract_wage, f.stated, f.monthly_allowance, f.former_post_salary, f.concurrent_post_allowance):
        if v is not None and not (ZERO < v <= MAX_MONTHLY_VND):
            raise invalid("amount must be positive and at most 10 billion")
    coefficients_given = any(v is not None for v in (f.grade, f.leadership, f.retention, f.beyond_pct))
    if f.stated is None and f.contract_wage is not None and coefficients_given:
        raise invalid("coefficients and contract wage")
    if f.stated is None and f.contract_wage is None and f.grade is None and coefficients_given:
        raise Refused("missing_field", "salary.grade_coefficient")
    for m in (f.insured_months, f.worked_months):
        if m is not None and m > MAX_MONTHS:
            raise invalid("months out of range")


class Engine:
    def __init__(self, policy: Policy):
        self.p = policy
        self._salary_cache: dict = {}

    # ---------------------------------------------------------------- shared pieces
    def _years(self, counting, months: int) -> Decimal:
        return Decimal(months // 12) + counting["odd_table"][months % 12]

    def _retirement(self, f: Facts) -> int:
        """Months early: pension start month minus leave month."""
        if f.rank is not None:
            table = self.p.armed_forces.on(f.leave)
            if table is None:
                raise Refused("not_in_force", "armed_forces_service_age")
            age = table["max_service_age_years"][f.rank] * 12
        else:
            table = self.p.retirement_age.on(f.leave)
            if table is None:
                raise Refused("not_in_force", "retirement_age")
            first, before, base, step, every, cap = table["schedules"][("II" if f.reduced_age else "I", f.sex)]
            idx = f.birth_ym - first
            age = before if idx < 0 else min(base + (idx // every) * step, cap)
        return f.birth_ym + age + 1 - ym(f.leave)

    def monthly_salary(self, f: Facts, interp, retention: bool = True) -> Decimal:
        key = (
            f.leave, f.stated, f.contract_wage, f.grade, f.leadership,
            f.retention if retention else None, f.beyond_pct, tuple(sorted(f.allowances.items())),
        )  # fmt: skip
        hit = self._salary_cache.get(key)
        if hit is not None:
            return hit
        rules = self.p.salary.on(f.leave)
        if rules is None:
            raise Refused("not_in_force", "salary")
        included = ZERO
        for a, pct in f.allowances.items():
            if a in rules["included"]:
                included += pct
        if f.stated is not None:
            if not interp["stated_salary_accepted"]:
                raise invalid("stated salary not accepted")
            s = f.stated
        elif f.contract_wage is not None:
            w = f.contract_wage
            s = w + w * (included * PERCENT) if interp["contract_wage_allowances_apply"] else w
        elif f.grade is not None:
            month = ym(f.leave) + rules["base_salary_month_offset"]
            on = dt.date(month // 12, month % 12 + 1, 1)
            base = self.p.base_salary.on(on)
            if base is None:
                raise Refused("not_in_force", "base_salary")
            grade, lead = f.grade, f.leadership or ZERO
            of = grade + lead if rules["beyond_frame_base"] == "grade_and_leadership" else grade
            total = grade + lead + of * ((f.beyond_pct or ZERO) * PERCENT)
            if retention and f.leave >= interp["salary_retention_counts_from"]:
                total += f.retention or ZERO
            core = total * Decimal(base["amount_vnd"])
            s = core + core * (included * PERCENT)
        else:
            raise invalid("missing salary")
        self._salary_cache[key] = s
        return s

    def window_inside(self, f: Facts, interp) -> bool:
        if f.article == "7b" and interp["article_7b_always_inside"]:
            return True
        if f.article == "7a":
            start = interp["article_7a_window_start"]
        elif f.reorganization is None:
            raise Refused("missing_field", "reorganization_effective_date")
        else:
            start = f.reorganization
        closes = add_months(start, interp["window_months"])
        if interp["anniversary_day_inside"]:
            closes += dt.timedelta(days=1)
        tested = f.leave
        if interp["window_test_date"] == "decision_date" and f.decision is not None:
            tested = f.decision
        return tested < closes

    @staticmethod
    def _stepped(base, threshold, per_year, pro_rata, years: Decimal) -> Decimal:
        above = max(years - threshold, ZERO)
        if pro_rata and threshold != 0:
            base = base * min(years, threshold) / threshold
        return per_year * above + base

    # ---------------------------------------------------------------- schemes
    def compute(self, f: Facts):
        """(band, S, {component: amount}) or raises Refused."""
        check_facts(f)
        interp = self.p.interp.on(f.leave)
        if interp is None:
            raise Refused("not_in_force", "interpretations")
        counting = self.p.counting.on(f.leave)
        if counting is None:
            raise Refused("not_in_force", "counting")
        working_life = max(ym(f.leave) - (f.birth_ym + counting["minimum_working_age_years"] * 12), 0)
        for m in (f.insured_months, f.worked_months):
            if m is not None and m > working_life:
                raise invalid("insured or worked time longer than the working life")
        months_early = self._retirement(f)
        if f.scheme == "early_retirement":
            return self._early(f, interp, counting, months_early)
        if f.scheme == "quit":
            return self._quit(f, interp, counting, months_early)
        return self._part_time(f, interp, counting, months_early)

    def _qualifies(self, f: Facts, interp, counting, months_early: int):
        er = self.p.early.on(f.leave)
        if er is None:
            raise Refused("not_in_force", "early_retirement")
        if f.category not in er["categories"]:
            raise Refused("scheme_not_applicable", f.category)
        if f.article not in er["articles"]:
            raise invalid(f"article {f.article} not in force")
        if months_early <= 0:
            raise Refused("at_retirement_age")
        top = (
            interp["early_retirement_max_months_early_reduced_age"]
            if f.reduced_age
            else interp["early_retirement_max_months_early"]
        )
        band = next((b for b in er["band"] if b["min_months_early"] <= months_early <= b["max_months_early"]), None)
        if band is None or months_early > top:
            raise Refused("too_early", f"{months_early} months early")
        if f.insured_months is None:
            raise Refused("missing_field", "insured_months")
        threshold = self.p.threshold.on(f.leave)
        if threshold is None:
            raise Refused("not_in_force", "pension_threshold")
        counted = (
            Decimal(f.insured_months)
            if interp["pension_eligibility_uses_raw_months"]
            else self._years(counting, f.insured_months) * 12
        )
        if counted < threshold["min_insured_months"]:
            raise Refused("insufficient_insurance")
        return er, band

    def _early(self, f: Facts, interp, counting, months_early: int):
        er, band = self._qualifies(f, interp, counting, months_early)
        s = self.monthly_salary(f, interp)
        inside = self.window_inside(f, interp)
        split = band["code"] != "lt_2y" or interp["lt_2y_window_split"]
        factor = band["months_factor_inside"] if inside or not split else band["months_factor_outside"]
        counted = min(months_early, band["months_cap"]) if "months_cap" in band else months_early
        years_early = self._years(counting, months_early)
        insured_years = self._years(counting, f.insured_months)
        parts = {
            "months_early": round_half_up(s * factor * counted),
            "years_early": round_half_up(s * band["per_year_early"] * years_early),
        }
        if band["insured_years"]:
            name = None
            for start, variant in interp["variants"]:
                if start <= f.leave:
                    name = variant
            if name is None or name not in er["variants"]:
                raise Refused("not_in_force", "insured_years_variant")
            base, threshold, per_year = er["variants"][name]
            months = self._stepped(base, threshold, per_year, False, insured_years)
            parts["insured_years"] = round_half_up(s * months)
        self._top_up(f, interp, band["code"], s, years_early, insured_years, parts)
        return band["code"], s, parts

    def _top_up(self, f: Facts, interp, band: str, s: Decimal, years_early, insured_years, parts) -> None:
        periods = self.p.top_ups.get(f.province) if f.province else None
        if periods is None or f.decision is None or f.decision >= interp["top_up_decisions_before"]:
            return
        rules = periods.on(f.decision)
        if rules is None or f.scheme not in rules["schemes"]:
            return
        coefficients = f.stated is None and f.contract_wage is None and f.grade is not None
        if interp["provincial_top_up_salary"] == "without_retention" and coefficients and f.retention:
            s = self.monthly_salary(f, interp, retention=False)
        parts["local_lump"] = round_half_up(s * rules["lump_months"])
        parts["local_years_early"] = round_half_up(s * rules["per_year"][band] * years_early)
        months = self._stepped(
            rules["insured_base_months"],
            rules["insured_threshold_years"],
            rules["insured_per_year_above"],
            not interp["top_up_insured_years_flat"],
            insured_years,
        )
        parts["local_insured_years"] = round_half_up(s * months)

    def _quit(self, f: Facts, interp, counting, months_early: int):
        rules = self.p.quit.on(f.leave)
        if rules is None:
            raise Refused("not_in_force", "quit")
        cat = rules["categories"].get(f.category)
        if cat is None:
            raise Refused("scheme_not_applicable", f.category)
        if months_early <= 0:
            raise Refused("at_retirement_age")
        if months_early < rules["min_months_to_retirement"]:
            raise Refused("less_than_2_years")
        if interp["quit_refused_when_early_retirement_applies"]:
            try:
                self._qualifies(f, interp, counting, months_early)
            except Refused:
                pass
            else:
                raise Refused("early_retirement_applies")
        if f.insured_months is None:
            raise Refused("missing_field", "insured_months")
        insured_years = self._years(counting, f.insured_months)
        s = self.monthly_salary(f, interp)
        inside = self.window_inside(f, interp)
        factor = rules["severance_factor_inside"] if inside else rules["severance_factor_outside"]
        severance_months = min(f.insured_months, counting["severance_months_cap"])
        parts = {
            "severance": round_half_up(s * factor * severance_months),
            "insured_years_quit": round_half_up(s * rules["insured_years_factor"] * insured_years),
        }
        if cat["job_search"] and "job_search" in cat["legal_basis"]:
            parts["job_search"] = round_half_up(s * rules["job_search_months"])
        return "quit", s, parts

    def _part_time(self, f: Facts, interp, counting, months_early: int):
        rules = self.p.part_time.on(f.leave)
        if rules is None:
            raise Refused("not_in_force", "part_time")
        if f.category not in rules["categories"]:
            raise Refused("scheme_not_applicable", f.category)
        if f.moved_to_village_post:
            raise Refused("not_eligible", "moved to a village post")
        if rules["leave_before"] is not None and f.leave >= rules["leave_before"]:
            raise Refused("part_time_after_deadline")
        if f.former_post_salary is not None:
            p = f.former_post_salary
        elif f.monthly_allowance is not None:
            p = f.monthly_allowance
        else:
            raise Refused("missing_field", "salary.monthly_allowance_vnd")
        if f.worked_months is None:
            raise Refused("missing_field", "worked_months")
        at_age = months_early <= 0
        flat = (
            (at_age and interp["part_time_flat_at_retirement_age"])
            or (f.receiving_pension and interp["part_time_flat_when_receiving_pension"])
            or (f.receiving_incapacity_benefit and interp["part_time_flat_when_receiving_incapacity_benefit"])
        )
        if at_age and not flat:
            raise Refused("at_retirement_age")
        band = "at_retirement_age" if at_age else "part_time"
        if flat:
            return band, p, {"part_time_flat": round_half_up(p * rules["flat_months"])}
        if f.worked_months < rules["short_service_below_months"]:
            lump_months = f.worked_months
        else:
            lump_months = min(max(months_early, 0), rules["lump_cap_months"])
        parts = {
            "part_time_lump": round_half_up(p * rules["lump_factor"] * lump_months),
            "part_time_years": round_half_up(p * rules["per_year_worked"] * self._years(counting, f.worked_months)),
            "part_time_job_search": round_half_up(p * rules["job_search_months"]),
        }
        return band, p, parts
