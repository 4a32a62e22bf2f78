//! The domain: the things reviewers, payment officers and departing staff think in.
//!
//! Everything below this module is pure: no actix, no diesel, no clock, no file or network
//! I/O (policy tables are parsed from text handed in by the caller). The HTTP, CLI and
//! storage layers translate to and from these types at their edges.

pub mod access;
pub mod case_state;
pub mod dates;
pub mod entitlement;
pub mod flags;
pub mod ids;
pub mod ledger;
pub mod matching;
pub mod money;
pub mod national_id;
pub mod payment_reference;
pub mod person;
pub mod policy;
pub mod text;
pub mod unit;
pub mod vn_time;
