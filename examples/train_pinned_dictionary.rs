//! Trains the zstd dictionary of the pinned-result format from the results of a synthetic
//! national roster (20,000 people, fixed seed) and writes it to `src/db/pinned-dict-v1.bin`.
//!
//!     cargo run --release --example train_pinned_dictionary [-- OUT]
//!
//! A shipped dictionary must never change (stored results name it by their prefix): this is
//! kept to show how `v1` was made and to train a `v2` when results change shape.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use diesel::prelude::*;
use staffpay::config::{Overrides, Settings};
use staffpay::demo::roster::{DemoRosterOptions, demo_roster_bytes};
use staffpay::import::ReadOptions;
use staffpay::services::Actor;
use staffpay::services::imports::{ImportRequest, import_roster};

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "src/db/pinned-dict-v1.bin".into());
    let policy = staffpay::policy_files::load_dir(
        concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables").as_ref(),
    )
    .unwrap();
    let (roster, _) = demo_roster_bytes(&DemoRosterOptions {
        people: 20_000,
        seed: 178,
        unit_codes: Vec::new(),
        invalid_per_mille: 0,
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::resolve(Overrides {
        database_url: Some(format!("sqlite://{}", dir.path().join("t.db").display())),
        ..Default::default()
    })
    .unwrap();
    let db = staffpay::startup::prepare_database(&settings).unwrap();
    let mut conn = db.get().unwrap();
    let request = ImportRequest {
        file_name: "train.xlsx".into(),
        sheet: None,
        unit_code: "VN".into(),
        dry_run: false,
        accept_valid: true,
        options: ReadOptions::default(),
    };
    import_roster(&mut conn, &policy, &Actor::cli(), &request, &roster).unwrap();
    let stored: Vec<String> = {
        use staffpay::db::schema::case_documents;
        case_documents::table
            .order(case_documents::case_id.asc())
            .select(case_documents::result_json)
            .load(&mut conn)
            .unwrap()
    };
    let samples: Vec<Vec<u8>> = stored
        .iter()
        .map(|s| {
            staffpay::db::pinned::unpack(s)
                .unwrap()
                .into_owned()
                .into_bytes()
        })
        .collect();
    let dictionary = zstd::dict::from_samples(&samples, 16 * 1024).unwrap();
    std::fs::write(&out, &dictionary).unwrap();
    let raw: usize = samples.iter().map(Vec::len).sum();
    let mut compressor = zstd::bulk::Compressor::with_dictionary(1, &dictionary).unwrap();
    let packed: usize = samples
        .iter()
        .map(|s| compressor.compress(s).unwrap().len())
        .sum();
    println!(
        "{out}: {} bytes from {} results; {:.0} -> {:.0} bytes per result",
        dictionary.len(),
        samples.len(),
        raw as f64 / samples.len() as f64,
        packed as f64 / samples.len() as f64
    );
}
