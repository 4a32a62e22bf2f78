//! `staffpay users ...`: accounts, their units and API tokens.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::TimeDelta;
use clap::{Args, Subcommand};
use serde_json::json;

use super::DbArgs;
use crate::auth::login::{KIND_API, issue_token};
use crate::auth::{SecretKeys, password};
use crate::db::audit::{self, AuditEntry};
use crate::db::{DbConnection, now, transaction, units, users};
use crate::domain::access::Role;
use crate::domain::unit::UnitCode;

#[derive(Debug, Args)]
pub struct UsersArgs {
    #[command(subcommand)]
    command: UsersCommand,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Create a user with a role and the units they may see (and everything below them).
    /// The password is read from standard input with --password-stdin, otherwise generated
    /// and printed once.
    Add {
        #[arg(long)]
        username: String,
        /// admin, moha_reviewer, mof_officer, unit_officer or national_viewer.
        #[arg(long)]
        role: Role,
        /// Unit code (repeatable). VN is the whole country.
        #[arg(long = "unit")]
        units: Vec<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users with role, units and state.
    List {
        /// One JSON object per user.
        #[arg(long)]
        json: bool,
    },
    /// Disable a user (all their tokens stop working).
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled user again.
    Enable {
        #[arg(long)]
        username: String,
    },
    /// Set a new password (read with --password-stdin or generated and printed once); all the
    /// user's tokens are revoked.
    ResetPassword {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API token (printed once; only its keyed hash is stored).
    Create {
        #[arg(long)]
        username: String,
        /// A name to recognise the token by (e.g. the system using it).
        #[arg(long)]
        name: String,
        /// Days until it expires (1 to 366).
        #[arg(long, default_value_t = 90)]
        expires_in_days: i64,
    },
    /// Revoke a user's API tokens of that name.
    Revoke {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
    },
}

pub fn run(args: UsersArgs, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let settings = super::settings(args.db.overrides(config))?;
    let db = crate::startup::prepare_database(&settings)?;
    let mut conn = db.get()?;
    let conn: &mut DbConnection = &mut conn;
    match args.command {
        UsersCommand::Add {
            username,
            role,
            units: codes,
            password_stdin,
        } => {
            validate_username(&username)?;
            if !role.is_nationwide() && codes.is_empty() {
                bail!("role {role} needs at least one --unit (VN for the whole country)");
            }
            let (secret, generated) = password_from(password_stdin)?;
            let hash = password::hash(&secret)?;
            transaction(conn, |conn| {
                if users::find_by_username(conn, &username)?.is_some() {
                    bail!("user {username} exists already");
                }
                let mut ids = Vec::new();
                for code in &codes {
                    let unit = units::find_by_code(conn, &UnitCode::normalize(code))?
                        .with_context(|| format!("unknown unit {code}"))?;
                    ids.push(unit.id);
                }
                let user = users::insert(conn, &username, role.as_str(), &hash, &ids)?;
                audit_cli(
                    conn,
                    "user.create",
                    &user.id.to_string(),
                    json!({"username": username, "role": role, "units": codes}),
                )?;
                Ok::<_, anyhow::Error>(())
            })?;
            println!("user {username} created ({role})");
            if generated {
                println!("password (shown once): {secret}");
            }
        }
        UsersCommand::List { json } => {
            for (user, codes) in users::list(conn)? {
                let state = if user.disabled_at.is_some() {
                    "disabled"
                } else {
                    "active"
                };
                if json {
                    println!(
                        "{}",
                        json!({"username": user.username, "role": user.role, "units": codes, "state": state, "created_at": user.created_at})
                    );
                } else {
                    println!(
                        "{:<20} {:<16} {:<9} {}",
                        user.username,
                        user.role,
                        state,
                        codes.join(",")
                    );
                }
            }
        }
        UsersCommand::Disable { username } => set_disabled(conn, &username, true)?,
        UsersCommand::Enable { username } => set_disabled(conn, &username, false)?,
        UsersCommand::ResetPassword {
            username,
            password_stdin,
        } => {
            let (secret, generated) = password_from(password_stdin)?;
            let hash = password::hash(&secret)?;
            transaction(conn, |conn| {
                let user = users::find_by_username(conn, &username)?
                    .with_context(|| format!("no user {username}"))?;
                users::set_password(conn, user.id, &hash)?;
                audit_cli(
                    conn,
                    "user.reset_password",
                    &user.id.to_string(),
                    json!({"username": username}),
                )
            })?;
            println!("password of {username} reset; their tokens were revoked");
            if generated {
                println!("password (shown once): {secret}");
            }
        }
        UsersCommand::Token { command } => {
            let keys = SecretKeys::load(&settings, conn)?;
            token(conn, &keys, command)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn token(conn: &mut DbConnection, keys: &SecretKeys, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create {
            username,
            name,
            expires_in_days,
        } => {
            if !(1..=366).contains(&expires_in_days) {
                bail!("--expires-in-days must be between 1 and 366");
            }
            let issued = transaction(conn, |conn| {
                let user = users::find_by_username(conn, &username)?
                    .with_context(|| format!("no user {username}"))?;
                if user.disabled_at.is_some() {
                    bail!("user {username} is disabled");
                }
                let issued = issue_token(
                    conn,
                    keys,
                    user.id,
                    KIND_API,
                    &name,
                    now() + TimeDelta::days(expires_in_days),
                )?;
                audit_cli(
                    conn,
                    "token.create",
                    &issued.token_id.to_string(),
                    json!({"username": username, "name": name, "expires_at": issued.expires_at}),
                )?;
                Ok::<_, anyhow::Error>(issued)
            })?;
            println!(
                "token {name} for {username}, expires {} UTC (shown once):",
                issued.expires_at
            );
            println!("{}", issued.token);
        }
        TokenCommand::Revoke { username, name } => {
            let n = transaction(conn, |conn| {
                let user = users::find_by_username(conn, &username)?
                    .with_context(|| format!("no user {username}"))?;
                let n = users::revoke_named(conn, user.id, &name)?;
                audit_cli(
                    conn,
                    "token.revoke",
                    &user.id.to_string(),
                    json!({"username": username, "name": name, "revoked": n}),
                )?;
                Ok::<_, anyhow::Error>(n)
            })?;
            if n == 0 {
                bail!("no active token named {name} for {username}");
            }
            println!("{n} token(s) named {name} of {username} revoked");
        }
    }
    Ok(())
}

fn set_disabled(conn: &mut DbConnection, username: &str, disabled: bool) -> anyhow::Result<()> {
    transaction(conn, |conn| {
        let user = users::find_by_username(conn, username)?
            .with_context(|| format!("no user {username}"))?;
        users::set_disabled(conn, user.id, disabled)?;
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        audit_cli(
            conn,
            action,
            &user.id.to_string(),
            json!({"username": username}),
        )
    })?;
    println!(
        "user {username} {}",
        if disabled { "disabled" } else { "enabled" }
    );
    Ok(())
}

fn audit_cli(
    conn: &mut DbConnection,
    action: &str,
    entity_id: &str,
    after: serde_json::Value,
) -> anyhow::Result<()> {
    audit::record(
        conn,
        AuditEntry {
            actor: crate::services::Actor::operator().label,
            action: action.into(),
            entity_kind: "user".into(),
            entity_id: Some(entity_id.into()),
            after: Some(after),
            ..Default::default()
        },
    )?;
    Ok(())
}

fn validate_username(username: &str) -> anyhow::Result<()> {
    let ok = (3..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !ok {
        bail!("a username is 3 to 64 letters, digits, '.', '-' or '_'");
    }
    Ok(())
}

/// The password from standard input, or a generated one (`true` when generated).
fn password_from(stdin: bool) -> anyhow::Result<(String, bool)> {
    if stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let secret = line.trim_end_matches(['\r', '\n']).to_string();
        Ok((secret, false))
    } else {
        Ok((password::generate(), true))
    }
}
