//! Integration tests: the real application on port 0, each test on its own database, on
//! SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod audit;
mod auth;
mod authz_matrix;
mod batches;
mod browser;
mod calc;
mod cases;
mod changes;
mod cli;
mod faults;
mod health;
mod hostile;
mod import;
mod instances;
mod openapi;
mod pages;
mod payments;
mod progress;
mod recompute;
mod reports;
mod schema_check;
mod startup;
mod status_page;
mod text_forms;
mod units;
