//! `staffpay serve`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::DbArgs;
use crate::http::Application;

/// People in the demo data set.
const DEMO_PEOPLE: usize = 400;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "STAFFPAY_BIND")]
    bind: Option<String>,

    /// Load the demo data set if the database is empty (prints the demo users' passwords once).
    #[arg(long)]
    demo: bool,

    /// Lifetime of a login token, in minutes (default 120).
    #[arg(long, env = "STAFFPAY_SESSION_TTL_MINUTES")]
    session_ttl_minutes: Option<u64>,

    /// Load balancers / reverse proxies (addresses or networks, comma-separated) whose
    /// Forwarded / X-Forwarded-For / X-Forwarded-Proto headers are believed (default: none).
    #[arg(long, env = "STAFFPAY_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Option<Vec<String>>,

    #[command(flatten)]
    db: DbArgs,
}

pub fn run(args: ServeArgs, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let mut overrides = args.db.overrides(config);
    overrides.bind = args.bind;
    overrides.session_ttl_minutes = args.session_ttl_minutes;
    overrides.trusted_proxies = args.trusted_proxies;
    let settings = super::settings(overrides)?;
    tracing::info!(database = %settings.database, bind = %settings.bind, "starting");
    let db = crate::startup::prepare_database(&settings)?;
    let policy = crate::startup::load_policy(&settings)?;
    // What to tell the person starting the service, printed as one block once it listens.
    let mut sign_in_help: Vec<String> = Vec::new();
    if args.demo {
        let mut conn = db.get()?;
        match crate::demo::load(&mut conn)? {
            Some(report) => {
                println!("Demo data loaded: {} units added.", report.units_added);
                let people = crate::demo::load_people(&mut conn, &policy, DEMO_PEOPLE)?;
                println!(
                    "Demo people: {} cases over several provinces and ministries.",
                    people.rows.created
                );
                let states = crate::demo::load_activity(&mut conn, &settings.matching)?;
                println!(
                    "Demo cases by state: {}",
                    states
                        .iter()
                        .map(|(s, n)| format!("{s} {n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                sign_in_help.push(
                    "Tài khoản dùng thử / demo sign-ins (shown once; passwords are not stored anywhere readable):"
                        .into(),
                );
                for user in &report.users {
                    sign_in_help.push(format!(
                        "  {:<14} {:<16} unit {:<4} password {}",
                        user.username,
                        user.role.as_str(),
                        user.unit,
                        user.password
                    ));
                }
            }
            None => {
                sign_in_help.push(
                    "Demo data not loaded: the database already has users (demo passwords are shown only at the first start)."
                        .into(),
                );
                sign_in_help.push(
                    "  Đặt mật khẩu mới / set a new password (same database settings as this service):"
                        .into(),
                );
                sign_in_help.push(
                    "    staffpay users reset-password --username demo-admin   (or demo-reviewer, demo-officer, demo-unit, demo-viewer)"
                        .into(),
                );
            }
        }
    }
    let state = crate::startup::app_state_with(settings, db, policy)?;
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(state)?;
        let addr = app.addr();
        let running = app.start()?;
        println!("staffpay listening on http://{addr}");
        if !sign_in_help.is_empty() {
            println!();
            println!("Đăng nhập / sign in: http://{addr}/dang-nhap");
            for line in &sign_in_help {
                println!("{line}");
            }
            println!();
        }
        running.wait().await?;
        tracing::info!("stopped");
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
