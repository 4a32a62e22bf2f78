//! Who acts at the command line (issue 15, item 9). A name alone proves nothing, so every
//! command that changes case or payment data takes an API token (`--token` or
//! `STAFFPAY_TOKEN`, from `staffpay users token create`), checked like the API's: the command
//! acts as that user, with their role, units, separation of duties and audit entries.
//! Maintenance commands (migrate, users, demo data, recompute preview) act as the operator and
//! are recorded with the operating-system user.

use clap::Args;

use crate::auth::SecretKeys;
use crate::auth::caller::authenticate;
use crate::config::Settings;
use crate::db::{DbConnection, now};
use crate::domain::access::{Permission, Role};
use crate::services::Actor;

/// The token of the user a command acts as.
#[derive(Debug, Args, Default)]
pub struct TokenArg {
    /// API token of the user this command acts as (`staffpay users token create`); required by
    /// every command that changes case or payment data.
    #[arg(long, env = "STAFFPAY_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

/// What the acting user must be allowed to do.
#[derive(Debug, Clone, Copy)]
pub enum Needs {
    /// A role permission, as the API's route table requires it.
    Permission(Permission),
    /// The administrator role (whole-database operations such as a recomputation).
    Admin,
}

impl TokenArg {
    /// The actor for `token`, or an error that says what is missing or refused (in both
    /// languages; the token itself is never printed).
    pub fn actor(
        &self,
        conn: &mut DbConnection,
        settings: &Settings,
        needs: Needs,
        command: &str,
    ) -> anyhow::Result<Actor> {
        let Some(token) = self
            .token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        else {
            anyhow::bail!(
                "`staffpay {command}` thay đổi dữ liệu hồ sơ, chi trả: cần mã truy cập của người \
                 thực hiện (--token hoặc STAFFPAY_TOKEN, tạo bằng `staffpay users token create`) \
                 / `staffpay {command}` changes case or payment data: give the acting user's API \
                 token (--token or STAFFPAY_TOKEN, from `staffpay users token create`)"
            );
        };
        let keys = SecretKeys::load(settings, conn)?;
        let caller = authenticate(conn, &keys, token, now())?.map_err(|why| {
            anyhow::anyhow!(
                "mã truy cập không hợp lệ, đã hết hạn hoặc đã thu hồi / the API token is not \
                 valid, has expired or was revoked ({why:?})"
            )
        })?;
        let allowed = match needs {
            Needs::Permission(p) => caller.role.can(p),
            Needs::Admin => caller.role == Role::Admin,
        };
        if !allowed {
            anyhow::bail!(
                "vai trò {} không được phép thực hiện `staffpay {command}` / role {} may not run \
                 `staffpay {command}`",
                caller.role,
                caller.role
            );
        }
        Ok(Actor {
            user_id: Some(caller.user_id),
            label: caller.username,
            scope: caller.scope,
            request_id: None,
        })
    }
}
