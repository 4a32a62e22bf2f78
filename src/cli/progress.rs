//! `staffpay progress`: case counts and money by unit group and nationally.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::DbArgs;
use crate::db::units::UnitScope;
use crate::services::progress::{GroupBy, progress};

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// How to group: ministries and provinces (top), only ministries, only provinces, or every
    /// unit.
    #[arg(long, value_enum, default_value_t = GroupArg::Top)]
    group_by: GroupArg,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Check the per-unit aggregates the service reads against every case (each unit and
    /// state, each owed group, and the whole report by unit as of today); exits 1 on any
    /// difference, listing it.
    #[arg(long)]
    verify: bool,
    /// With --verify: when they differ, rebuild the aggregates from every case (in one
    /// transaction) and check again.
    #[arg(long, requires = "verify")]
    rebuild: bool,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GroupArg {
    Top,
    Ministry,
    Province,
    Unit,
}

pub fn run(args: ProgressArgs, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let settings = super::settings(args.db.overrides(config))?;
    let policy = crate::startup::load_policy(&settings)?;
    let db = crate::startup::prepare_database(&settings)?;
    let mut conn = db.get()?;
    let group_by = match args.group_by {
        GroupArg::Top => GroupBy::Top,
        GroupArg::Ministry => GroupBy::Ministry,
        GroupArg::Province => GroupBy::Province,
        GroupArg::Unit => GroupBy::Unit,
    };
    let today = crate::db::today_vn();
    // This command's policy keys the owed aggregates from now on (as a starting service's).
    crate::db::progress::sync_deadline_cuts(&mut conn, &policy.deadline_breakpoints())?;
    if args.verify {
        return verify(&mut conn, &policy, today, args.rebuild);
    }
    let report = progress(&mut conn, &policy, &UnitScope::All, group_by, today)?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    let n = &report.national;
    println!("Tiến độ chi trả / Payment progress, {}", report.as_of);
    println!(
        "{:<10} {:<40} {:>8} {:>8} {:>8} {:>7} {:>20} {:>20} {:>7} {:>7}",
        "code",
        "unit",
        "people",
        "approved",
        "paid",
        "% ppl",
        "entitled VND",
        "paid VND",
        "% money",
        "overdue"
    );
    for g in &report.groups {
        let f = &g.figures;
        let name: String = g.name.chars().take(40).collect();
        println!(
            "{:<10} {:<40} {:>8} {:>8} {:>8} {:>7} {:>20} {:>20} {:>7} {:>7}{}",
            g.code,
            name,
            f.people,
            f.approved,
            f.paid,
            f.paid_people_pct,
            crate::domain::money::Vnd::new(f.entitled_vnd),
            crate::domain::money::Vnd::new(f.paid_vnd),
            f.paid_amount_pct,
            f.overdue,
            if f.below_60_pct { "  <60%" } else { "" }
        );
    }
    println!(
        "{:<10} {:<40} {:>8} {:>8} {:>8} {:>7} {:>20} {:>20} {:>7}",
        "VN",
        "Cả nước / National",
        n.people,
        n.approved,
        n.paid,
        n.paid_people_pct,
        crate::domain::money::Vnd::new(n.entitled_vnd),
        crate::domain::money::Vnd::new(n.paid_vnd),
        n.paid_amount_pct
    );
    println!(
        "units with cases {}, complete {}, below 60% paid {}, lacking a Treasury account {}; \
         overdue cases {} (oldest {} days)",
        n.units,
        n.units_complete,
        n.units_below_60_pct,
        n.units_lacking_account,
        n.overdue,
        n.oldest_overdue_days.unwrap_or(0)
    );
    Ok(ExitCode::SUCCESS)
}

/// `--verify`: the aggregates against the live computation.
fn verify(
    conn: &mut crate::db::DbConnection,
    policy: &crate::domain::policy::PolicySet,
    today: chrono::NaiveDate,
    rebuild: bool,
) -> anyhow::Result<ExitCode> {
    use crate::db::progress::{Drift, Source, drift};
    let check = |conn: &mut crate::db::DbConnection| -> anyhow::Result<(Vec<Drift>, bool)> {
        let found = drift(conn)?;
        let stored = crate::services::progress::progress_from(
            conn,
            policy,
            &UnitScope::All,
            GroupBy::Unit,
            today,
            Source::Aggregates,
        )?;
        let live = crate::services::progress::progress_from(
            conn,
            policy,
            &UnitScope::All,
            GroupBy::Unit,
            today,
            Source::Live,
        )?;
        let same_report = serde_json::to_value(&stored)? == serde_json::to_value(&live)?;
        Ok((found, same_report))
    };
    let (found, same_report) = check(conn)?;
    for d in &found {
        match d {
            Drift::State {
                unit_id,
                state,
                stored,
                live,
            } => println!(
                "khác / differs: unit {} state {}: stored (cases, entitled, paid) {:?}, live {:?}",
                unit_id.0,
                state.as_str(),
                stored,
                live
            ),
            Drift::Owed {
                unit_id,
                decision_band,
                approved_on,
                stored,
                live,
            } => println!(
                "khác / differs: unit {} owed, decision band {:?}, approved on {:?}: stored {stored}, live {live}",
                unit_id.0, decision_band, approved_on
            ),
        }
    }
    if found.is_empty() && same_report {
        println!(
            "Số liệu tổng hợp khớp với từng hồ sơ / the aggregates equal the live computation"
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !same_report && found.is_empty() {
        println!("khác / differs: the report from the aggregates and the live report");
    }
    if !rebuild {
        println!(
            "Số liệu tổng hợp lệch ({} chỗ) / the aggregates differ in {} places; \
             `staffpay progress --verify --rebuild` rebuilds them",
            found.len(),
            found.len()
        );
        return Ok(ExitCode::from(1));
    }
    crate::db::progress::sync_deadline_cuts(conn, &policy.deadline_breakpoints())?;
    crate::db::transaction(conn, crate::db::progress::rebuild)?;
    let (found, same_report) = check(conn)?;
    if found.is_empty() && same_report {
        println!("Đã dựng lại số liệu tổng hợp / the aggregates were rebuilt and now agree");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("still differs after the rebuild: {} places", found.len());
        Ok(ExitCode::from(1))
    }
}
