//! `staffpay users ...`: accounts, their units and API tokens.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use serde_json::json;

use super::DbArgs;
use crate::auth::{SecretKeys, password};
use crate::db::{DbConnection, users};
use crate::domain::access::Role;

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
    let actor = crate::services::Actor::operator();
    match args.command {
        UsersCommand::Add {
            username,
            role,
            units: codes,
            password_stdin,
        } => {
            let (secret, generated) = password_from(password_stdin)?;
            crate::services::users::create(conn, &actor, &username, role, &codes, &secret)
                .map_err(app)?;
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
        UsersCommand::Disable { username } => set_disabled(conn, &actor, &username, true)?,
        UsersCommand::Enable { username } => set_disabled(conn, &actor, &username, false)?,
        UsersCommand::ResetPassword {
            username,
            password_stdin,
        } => {
            let (secret, generated) = password_from(password_stdin)?;
            crate::services::users::reset_password(conn, &actor, &username, &secret)
                .map_err(app)?;
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

/// A refusal of the users service, in both languages.
fn app(e: crate::error::AppError) -> anyhow::Error {
    let body = e.body();
    anyhow::anyhow!("{} / {}", body.message_vi, body.message_en)
}

fn token(conn: &mut DbConnection, keys: &SecretKeys, command: TokenCommand) -> anyhow::Result<()> {
    let actor = crate::services::Actor::operator();
    match command {
        TokenCommand::Create {
            username,
            name,
            expires_in_days,
        } => {
            let issued = crate::services::users::create_token(
                conn,
                keys,
                &actor,
                &username,
                &name,
                expires_in_days,
            )
            .map_err(app)?;
            println!(
                "token {name} for {username}, expires {} UTC (shown once):",
                issued.expires_at
            );
            println!("{}", issued.token);
        }
        TokenCommand::Revoke { username, name } => {
            let n = crate::services::users::revoke_token(conn, &actor, &username, &name)
                .map_err(app)?;
            if n == 0 {
                bail!("no active token named {name} for {username}");
            }
            println!("{n} token(s) named {name} of {username} revoked");
        }
    }
    Ok(())
}

fn set_disabled(
    conn: &mut DbConnection,
    actor: &crate::services::Actor,
    username: &str,
    disabled: bool,
) -> anyhow::Result<()> {
    crate::services::users::set_disabled(conn, actor, username, disabled).map_err(app)?;
    println!(
        "user {username} {}",
        if disabled { "disabled" } else { "enabled" }
    );
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
