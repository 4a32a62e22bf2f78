//! staffpay: the payout side of Vietnam's 2025 staff reorganisation under Decree
//! 178/2024/ND-CP (as amended by Decree 67/2025/ND-CP).
//!
//! Map of the crate, in layers (docs/ARCHITECTURE.md): each layer uses only those above it.
//! - [`domain`]: pure types and rules — money, units, case states, access rules, the payment
//!   rules ([`domain::ledger`]), statement matching, the entitlement engine and its policy
//!   tables. No HTTP, no SQL, no clock, no files.
//! - [`import`]: reading and checking uploaded files (roster, payment list, statement; .xlsx,
//!   .ods, .csv) into domain values and located problems; the error workbook and the roster
//!   template. No database.
//! - [`db`]: storage with diesel over SQLite or PostgreSQL: the schema, typed rows
//!   ([`db::sql_types`]), migrations and data steps, one module per table group.
//! - [`services`]: the use cases (imports, review, payments, reconciliation, flags, progress,
//!   recomputation, accepting changes, unit merges, self-service): one transaction each, with
//!   its audit entries; called by the API, the pages and the command line alike.
//! - [`reports`]: the workbooks and printable forms (reconciliation, payment list, personal
//!   statement, audit), from data the services and `db` load.
//! - [`auth`]: passwords, tokens, login throttling, the authenticated caller.
//! - [`http`]: the actix-web service — the route table with every endpoint's access rule, the
//!   access middleware, the JSON API, the staff pages and the public status page.
//! - [`cli`]: the command line; `main.rs` only calls [`cli::run`].
//! - Plumbing: [`config`] (settings; [`net`] holds the address ranges it parses), [`startup`] (database, policy tables, app state),
//!   [`policy_files`] (the embedded or configured policy tables), [`telemetry`] (logs),
//!   [`error`] (the one error type and its HTTP answers), [`export`] (formula-safe cells) and
//!   [`files`] (whole-or-nothing file writes), [`timestamps`] (RFC 3339 in answers),
//!   [`reference`] (provinces, central bodies, id codes), [`demo`] (demo data), [`xlsx`] (the
//!   workbook helpers shared by the import workbooks, the reports and the demo data).

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
pub mod net;
pub mod policy_files;
pub mod present;
pub mod reference;
pub mod reports;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod timestamps;
pub mod xlsx;
