//! staffpay: the payout side of Vietnam's 2025 staff reorganisation under Decree
//! 178/2024/ND-CP (as amended by Decree 67/2025/ND-CP).
//!
//! Map of the crate:
//! - [`domain`]: pure types and rules (money, units, access rules, the entitlement engine and
//!   its policy tables). No HTTP, no SQL, no clock.
//! - [`db`]: storage with diesel over SQLite or PostgreSQL.
//! - [`auth`]: passwords, tokens, login throttling, the authenticated caller.
//! - [`http`]: the actix-web service, its route table and access middleware.
//! - [`cli`]: the command line; `main.rs` only calls [`cli::run`].
//! - [`config`], [`telemetry`], [`startup`], [`demo`], [`reference`]: plumbing.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod files;
pub mod http;
pub mod import;
pub mod policy_files;
pub mod reference;
pub mod reports;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod timestamps;
