//! The dashboard for the deadline: progress by ministry and province (people and money paid,
//! each against the 60 % line), units lacking a Treasury account counted as units, overdue
//! cases with the rule written out, each row drilling down to its units and cases; the ten
//! units holding the most money back as a bar chart drawn on the server (SVG, no script); and
//! the flags that need action.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::units::UnitScope;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::http::AppState;
use crate::present;
use crate::services::progress::{Figures, GroupBy, progress};

use super::{Session, is_en, render};

/// A dashboard row.
struct GroupRow {
    code: String,
    name: String,
    people: String,
    paid: String,
    people_pct: String,
    people_width: String,
    money_pct: String,
    money_width: String,
    outstanding: String,
    lacking: String,
    overdue: String,
    low: bool,
}

struct FlagCount {
    kind: &'static str,
    vi: &'static str,
    en: &'static str,
    count: String,
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage {
    en: bool,
    menu: crate::http::pages::Menu,
    user: String,
    csrf: String,
    as_of: String,
    /// When the flag counts were computed (they are reused while nothing changed).
    flags_as_of: String,
    /// The unit drilled into (its code and name), if any.
    within: Option<(String, String)>,
    groups: Vec<GroupRow>,
    total: GroupRow,
    flags: Vec<FlagCount>,
    overdue_days: u32,
    chart: String,
    over_time: String,
    /// Whether this view's progress over time is kept (the nation, and the units directly
    /// below it).
    over_time_kept: bool,
}

/// `GET /?unit=CODE`: the units below `unit` instead of the ministries and provinces.
#[derive(Debug, Deserialize)]
pub struct DashboardQuery {
    pub lang: Option<String>,
    pub unit: Option<String>,
}

/// A share as the bar's width: the percentage text clamped to 0–100.
fn width(pct: &str) -> String {
    use rust_decimal::Decimal;
    match pct.parse::<Decimal>() {
        Ok(p) if p > Decimal::ONE_HUNDRED => "100".into(),
        Ok(p) if p >= Decimal::ZERO => pct.to_owned(),
        _ => "0".into(),
    }
}

fn group_row(code: &str, name: &str, f: &Figures, en: bool) -> GroupRow {
    GroupRow {
        code: code.to_string(),
        name: name.to_string(),
        people: present::count(f.people, en),
        paid: present::count(f.paid, en),
        people_pct: present::percent(&f.paid_people_pct, en),
        people_width: width(&f.paid_people_pct),
        money_pct: present::percent(&f.paid_amount_pct, en),
        money_width: width(&f.paid_amount_pct),
        outstanding: present::money(f.outstanding_vnd, en),
        lacking: present::count(f.units_lacking_account, en),
        overdue: present::count(f.overdue, en),
        low: f.below_60_pct,
    }
}

/// Text made safe inside SVG/HTML markup.
fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The ten units holding the most money back, as a horizontal bar chart (SVG text).
fn money_held_chart(rows: &[(String, String, i64)], en: bool) -> String {
    use std::fmt::Write as _;
    let top: Vec<&(String, String, i64)> = rows.iter().filter(|r| r.2 > 0).take(10).collect();
    let Some(max) = top.iter().map(|r| r.2).max() else {
        return String::new();
    };
    const ROW: u32 = 28;
    const LABEL: u32 = 260;
    const BAR: u32 = 300;
    let height = ROW * u32::try_from(top.len()).unwrap_or(10) + 8;
    let title = if en {
        "The ten units holding the most money back"
    } else {
        "Mười đơn vị còn tồn nhiều tiền chưa chi nhất"
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {height}" width="100%" role="img" aria-labelledby="held-title"><title id="held-title">{title}</title>"##,
        w = LABEL + BAR + 150,
    );
    for (i, (code, name, outstanding)) in top.iter().enumerate() {
        let y = ROW * u32::try_from(i).unwrap_or(0) + 4;
        // Widths are drawing units, not money: the amount itself is printed as text.
        let len = u32::try_from(i128::from(*outstanding) * i128::from(BAR) / i128::from(max))
            .unwrap_or(BAR)
            .max(1);
        let label: String = format!("{code} – {name}").chars().take(38).collect();
        let _ = write!(
            svg,
            r##"<text x="{lx}" y="{ty}" text-anchor="end" font-size="12">{label}</text><rect x="{bx}" y="{y}" width="{len}" height="{bh}" fill="#b00020"/><text x="{vx}" y="{ty}" font-size="12">{value}</text>"##,
            lx = LABEL - 6,
            ty = y + 15,
            label = escape_xml(&label),
            bx = LABEL,
            bh = ROW - 8,
            vx = LABEL + len + 6,
            value = present::money(*outstanding, en),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A share in hundredths of a percent (integer arithmetic: no floating point near money).
fn basis_points(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    i64::try_from(i128::from(part) * 10_000 / i128::from(whole)).unwrap_or(0)
}

/// Progress over time: the share of people and of money paid each day, with the 60 % line,
/// as an SVG line chart (empty with fewer than two days).
fn progress_chart(days: &[crate::db::snapshots::SnapshotRow], en: bool) -> String {
    use std::fmt::Write as _;
    if days.len() < 2 {
        return String::new();
    }
    const LEFT: i64 = 44;
    const WIDTH: i64 = 560;
    const TOP: i64 = 10;
    const HEIGHT: i64 = 180;
    let n = i64::try_from(days.len()).unwrap_or(2) - 1;
    let x = |i: usize| LEFT + i64::try_from(i).unwrap_or(0) * WIDTH / n.max(1);
    let y = |bp: i64| TOP + HEIGHT - bp.clamp(0, 10_000) * HEIGHT / 10_000;
    let line = |share: &dyn Fn(&crate::db::snapshots::SnapshotRow) -> i64| {
        days.iter()
            .enumerate()
            .map(|(i, d)| format!("{},{}", x(i), y(share(d))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let people = line(&|d| basis_points(d.paid, d.people));
    let money = line(&|d| basis_points(d.paid_vnd, d.entitled_vnd));
    let (title, people_label, money_label) = if en {
        ("Progress over time", "people paid", "money paid")
    } else {
        (
            "Tiến độ theo thời gian",
            "tỷ lệ người đã chi",
            "tỷ lệ tiền đã chi",
        )
    };
    let first = days
        .first()
        .map(|d| present::date(d.day))
        .unwrap_or_default();
    let last = days
        .last()
        .map(|d| present::date(d.day))
        .unwrap_or_default();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 660 240" width="100%" role="img" aria-labelledby="time-title"><title id="time-title">{title}</title><line x1="{LEFT}" y1="{y60}" x2="{right}" y2="{y60}" stroke="#1a1a1a" stroke-dasharray="4 3"/><text x="{lx}" y="{y60t}" font-size="11" text-anchor="end">60 %</text><text x="{lx}" y="{y100}" font-size="11" text-anchor="end">100 %</text><text x="{lx}" y="{y0}" font-size="11" text-anchor="end">0 %</text><polyline fill="none" stroke="#2e7d32" stroke-width="2" points="{people}"/><polyline fill="none" stroke="#0b5394" stroke-width="2" points="{money}"/><text x="{LEFT}" y="208" font-size="11">{first}</text><text x="{right}" y="208" font-size="11" text-anchor="end">{last}</text><rect x="{LEFT}" y="220" width="12" height="4" fill="#2e7d32"/><text x="{l1}" y="226" font-size="11">{people_label}</text><rect x="{l2}" y="220" width="12" height="4" fill="#0b5394"/><text x="{l3}" y="226" font-size="11">{money_label}</text></svg>"##,
        y60 = y(6_000),
        right = LEFT + WIDTH,
        lx = LEFT - 4,
        y60t = y(6_000) + 4,
        y100 = y(10_000) + 4,
        y0 = y(0) + 4,
        l1 = LEFT + 16,
        l2 = LEFT + 170,
        l3 = LEFT + 186,
    );
    svg
}

/// `GET /`: progress for the deadline, and the flags that need action.
pub async fn dashboard(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, AppError> {
    let policy = state.policy.clone();
    let remembered = state.flags_remembered.clone();
    let caller_scope = s.caller.scope.clone();
    let within_code = query
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(UnitCode::normalize);
    let (report, units, flags, within, series, kept) = state
        .db
        .run(move |conn| {
            let today = crate::db::today_vn();
            // Today's snapshot, by the first request of the day (a failure only costs the
            // chart a point: the page is still served).
            if let Err(e) = crate::services::snapshots::ensure(conn, &policy, today) {
                tracing::warn!(error = %e, "daily progress snapshot not written");
            }
            let nation = crate::db::units::find_by_code(conn, crate::domain::unit::NATION_CODE)?;
            // Drilling into a unit: its subtree (which the caller's scope must reach).
            // Progress over time is kept for every unit with cases below it: the series shown
            // is the drilled unit's, else the nation's for a nationwide caller, else the
            // caller's one unit (a caller of several units drills into one to see its chart).
            let (scope, group_by, within, series_unit) = match &within_code {
                Some(code) => {
                    let unit = crate::db::units::find_in_scope(conn, &caller_scope, code)?
                        .ok_or(AppError::NotFound)?;
                    (
                        UnitScope::Subtrees(vec![unit.path.clone()]),
                        GroupBy::Unit,
                        Some((unit.code.clone(), unit.name_vi.clone())),
                        Some(unit.id),
                    )
                }
                None => {
                    let own = match &caller_scope {
                        UnitScope::Subtrees(roots) if roots.len() == 1 => {
                            roots.first().and_then(|root| {
                                root.rsplit('/')
                                    .find_map(|id| id.parse().ok().map(crate::domain::ids::UnitId))
                            })
                        }
                        _ => None,
                    };
                    (
                        caller_scope.clone(),
                        GroupBy::Top,
                        None,
                        nation
                            .as_ref()
                            .filter(|n| caller_scope.contains_path(&n.path))
                            .map(|n| n.id)
                            .or(own),
                    )
                }
            };
            let kept = series_unit.is_some();
            let series = match series_unit {
                Some(id) => crate::db::snapshots::of_unit(conn, id)?,
                None => Vec::new(),
            };
            let report = progress(conn, &policy, &scope, group_by, today)?;
            let units = progress(conn, &policy, &scope, GroupBy::Unit, today)?;
            let flags = remembered.counts(conn, &policy, &scope, today)?;
            Ok((report, units, flags, within, series, kept))
        })
        .await?;
    let en = is_en(&req, query.lang.as_deref());
    let mut held: Vec<(String, String, i64)> = units
        .groups
        .iter()
        .map(|g| (g.code.clone(), g.name.clone(), g.figures.outstanding_vnd))
        .collect();
    held.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let as_of = present::date_time(crate::domain::vn_time::local(crate::db::now()));
    let page = DashboardPage {
        en,
        menu: s.menu(),
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
        as_of,
        within,
        groups: report
            .groups
            .iter()
            .map(|g| group_row(&g.code, &g.name, &g.figures, en))
            .collect(),
        total: group_row("", "", &report.national, en),
        flags_as_of: present::date_time(crate::domain::vn_time::local(flags.1)),
        flags: flags
            .0
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, count)| FlagCount {
                kind: k.as_str(),
                vi: k.label_vi(),
                en: k.label_en(),
                count: present::count(i64::try_from(count).unwrap_or(i64::MAX), en),
            })
            .collect(),
        overdue_days: state.policy.overdue_after_approval_days(),
        chart: money_held_chart(&held, en),
        over_time: progress_chart(&series, en),
        over_time_kept: kept,
    };
    render(&page, StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_draws_the_ten_largest_with_their_amounts() {
        let rows: Vec<(String, String, i64)> = (1..=12)
            .map(|i| {
                (
                    format!("U{i}"),
                    format!("Đơn vị <{i}>"),
                    1_000_000 * (13 - i),
                )
            })
            .collect();
        let svg = money_held_chart(&rows, false);
        assert_eq!(svg.matches("<rect").count(), 10);
        assert!(svg.contains("12.000.000 đ"));
        assert!(!svg.contains("U11"), "only ten");
        assert!(svg.contains("&lt;1&gt;"), "labels escaped");
        assert!(money_held_chart(&[], false).is_empty());
    }

    #[test]
    fn progress_over_time_draws_both_shares_and_the_60_line() {
        let day = |d: u32, paid: i64, paid_vnd: i64| crate::db::snapshots::SnapshotRow {
            day: chrono::NaiveDate::from_ymd_opt(2025, 10, d).unwrap(),
            unit_id: crate::domain::ids::UnitId(1),
            people: 10,
            paid,
            entitled_vnd: 1_000,
            paid_vnd,
            rebuilt: false,
            taken_at: chrono::NaiveDateTime::default(),
        };
        let svg = progress_chart(&[day(1, 0, 0), day(2, 5, 400), day(3, 10, 1_000)], false);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("60 %") && svg.contains("01/10/2025") && svg.contains("03/10/2025"));
        // People: 0 % at the bottom (y = 190), 50 %, 100 % at the top (y = 10).
        assert!(svg.contains("44,190 324,100 604,10"), "{svg}");
        assert!(progress_chart(&[day(1, 0, 0)], false).is_empty());
        assert_eq!(basis_points(1, 3), 3_333);
        assert_eq!(basis_points(1, 0), 0);
    }
}
