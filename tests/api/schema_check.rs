//! `src/db/schema.rs` matches what the migrations create, on both backends.

use staffpay::domain::ids::CaseId;
use std::collections::BTreeMap;

use diesel::sql_types::{BigInt, Integer, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use staffpay::db::migrate;

use crate::both_backends;
use crate::helpers::{Backend, TestDb};

type Columns = BTreeMap<String, BTreeMap<String, String>>;

/// Tables and `column -> diesel type` from the text of schema.rs.
fn from_schema_rs() -> Columns {
    let text = include_str!("../../src/db/schema.rs");
    let mut out = Columns::new();
    let mut current: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_suffix('{') {
            let rest = rest.trim();
            if let Some((name, _)) = rest.split_once(" (").filter(|(n, _)| !n.contains("::")) {
                current = Some(name.trim().to_string());
                out.insert(name.trim().to_string(), BTreeMap::new());
            }
        } else if let Some((col, ty)) = line.split_once("->") {
            if let Some(table) = &current {
                out.get_mut(table).unwrap().insert(
                    col.trim().to_string(),
                    ty.trim().trim_end_matches(',').to_string(),
                );
            }
        } else if line == "}" {
            current = None;
        }
    }
    out
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    #[diesel(column_name = type_)]
    type_: String,
    #[diesel(sql_type = Integer)]
    notnull: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct TableName {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
    #[diesel(sql_type = BigInt)]
    ordinal: i64,
}

fn nullable(ty: &str, null: bool) -> String {
    if null {
        format!("Nullable<{ty}>")
    } else {
        ty.to_string()
    }
}

fn from_sqlite(url: &str) -> Columns {
    let mut conn = SqliteConnection::establish(url).unwrap();
    let tables: Vec<TableName> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '__diesel_schema_migrations'",
    )
    .load(&mut conn)
    .unwrap();
    let mut out = Columns::new();
    for table in tables {
        let cols: Vec<SqliteColumn> = diesel::sql_query(format!(
            "SELECT name, type AS type_, \"notnull\", pk FROM pragma_table_info('{}')",
            table.name
        ))
        .load(&mut conn)
        .unwrap();
        let mut map = BTreeMap::new();
        for c in cols {
            let ty = match c.type_.to_uppercase().as_str() {
                // `INTEGER PRIMARY KEY` is SQLite's 64-bit rowid.
                "INTEGER" if c.pk == 1 => "BigInt",
                "INTEGER" => "Integer",
                "BIGINT" => "BigInt",
                "TEXT" => "Text",
                "TIMESTAMP" => "Timestamp",
                "DATE" => "Date",
                "BOOLEAN" => "Bool",
                other => panic!("{}.{}: type {other} has no mapping", table.name, c.name),
            };
            map.insert(c.name, nullable(ty, c.notnull == 0 && c.pk == 0));
        }
        out.insert(table.name, map);
    }
    out
}

fn from_postgres(url: &str) -> Columns {
    let mut conn = PgConnection::establish(url).unwrap();
    let cols: Vec<PgColumn> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
         data_type::text AS data_type, is_nullable::text AS is_nullable, \
         ordinal_position::bigint AS ordinal FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
         ORDER BY table_name, ordinal_position",
    )
    .load(&mut conn)
    .unwrap();
    let mut out = Columns::new();
    for c in cols {
        let _ = c.ordinal;
        let ty = match c.data_type.as_str() {
            "bigint" => "BigInt",
            "integer" => "Integer",
            "text" => "Text",
            "timestamp without time zone" => "Timestamp",
            "date" => "Date",
            "boolean" => "Bool",
            other => panic!(
                "{}.{}: type {other} has no mapping",
                c.table_name, c.column_name
            ),
        };
        out.entry(c.table_name)
            .or_default()
            .insert(c.column_name, nullable(ty, c.is_nullable == "YES"));
    }
    out
}

async fn schema_rs_matches_migrations(backend: Backend) {
    let test_db = TestDb::new(backend);
    let db = staffpay::db::Db::connect(&test_db.settings()).unwrap();
    migrate::run_pending(&mut db.get().unwrap()).unwrap();
    let actual = match backend {
        Backend::Sqlite => from_sqlite(&test_db.url),
        Backend::Postgres => from_postgres(&test_db.url),
    };
    let expected = from_schema_rs();
    assert!(expected.len() >= 7, "parsed schema.rs: {expected:?}");
    assert_eq!(actual, expected);
}
both_backends!(schema_rs_matches_migrations);

/// The case-documents migration (7) moves every case's documents out of the case row
/// and, reverted, back into it, without losing one: down then up gives the same documents.
async fn case_documents_migration_keeps_the_documents(backend: Backend) {
    use diesel::prelude::*;
    use staffpay::db::schema::case_documents;
    let test_db = TestDb::new(backend);
    let settings = test_db.settings();
    // Migrations and the reference units, as at start-up.
    let db = staffpay::startup::prepare_database(&settings).unwrap();
    let mut conn = db.get().unwrap();
    let policy = staffpay::startup::load_policy(&settings).unwrap();
    staffpay::demo::load(&mut conn).unwrap();
    staffpay::demo::load_people(&mut conn, &policy, 50).unwrap();
    type Docs = Vec<(i64, String, String, String)>;
    let read = |conn: &mut staffpay::db::DbConnection| -> Docs {
        case_documents::table
            .order(case_documents::case_id.asc())
            .select((
                case_documents::case_id,
                case_documents::input_json,
                case_documents::result_json,
                case_documents::policy_versions,
            ))
            .load(conn)
            .unwrap()
    };
    let before = read(&mut conn);
    assert_eq!(before.len(), 50);
    // Later migrations are reverted first (they come back with `run_pending` below).
    let mut reverted = migrate::revert_last(&mut conn).unwrap();
    for _ in 0..10 {
        if reverted.ends_with("000007") {
            break;
        }
        reverted = migrate::revert_last(&mut conn).unwrap();
    }
    assert!(reverted.ends_with("000007"), "{reverted}");
    // Back in the case rows.
    #[derive(QueryableByName)]
    struct Filled {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let filled: Filled = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM cases WHERE input_json <> '' AND result_json <> '' \
         AND policy_versions <> ''",
    )
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(filled.n, 50);
    migrate::run_pending(&mut conn).unwrap();
    assert_eq!(read(&mut conn), before);
}
both_backends!(case_documents_migration_keeps_the_documents);

/// The components migration (9): every case's component rows add up to its entitlement, and
/// reverted and applied again, the data step fills the same rows from the pinned results.
async fn case_components_add_up_and_refill_from_the_pinned_results(backend: Backend) {
    use diesel::prelude::*;
    use staffpay::db::schema::{case_components, cases};
    let test_db = TestDb::new(backend);
    let settings = test_db.settings();
    let db = staffpay::startup::prepare_database(&settings).unwrap();
    let mut conn = db.get().unwrap();
    let policy = staffpay::startup::load_policy(&settings).unwrap();
    staffpay::demo::load(&mut conn).unwrap();
    staffpay::demo::load_people(&mut conn, &policy, 50).unwrap();
    type Rows = Vec<(i64, String, i64, Option<i64>)>;
    let read = |conn: &mut staffpay::db::DbConnection| -> Rows {
        case_components::table
            .order((case_components::case_id.asc(), case_components::code.asc()))
            .select((
                case_components::case_id,
                case_components::code,
                case_components::amount_vnd,
                case_components::original_vnd,
            ))
            .load(conn)
            .unwrap()
    };
    let before = read(&mut conn);
    let entitled: Vec<(i64, i64)> = cases::table
        .order(cases::id.asc())
        .select((cases::id, cases::entitled_vnd))
        .load(&mut conn)
        .unwrap();
    assert_eq!(entitled.len(), 50);
    for (id, total) in &entitled {
        let sum: i64 = before.iter().filter(|r| r.0 == *id).map(|r| r.2).sum();
        assert_eq!(sum, *total, "case {id}");
    }
    assert!(before.iter().all(|r| r.2 != 0 && r.3.is_none()));
    // The import jobs (migration 16), the progress snapshots (15), the import's write (14), the unit aggregates (13),
    // the upload drafts (12), the payment batches (11) and the mapping profiles (10) first,
    // then the components.
    let reverted = migrate::revert_last(&mut conn).unwrap();
    assert!(reverted.ends_with("000016"), "{reverted}");
    let reverted = migrate::revert_last(&mut conn).unwrap();
    assert!(reverted.ends_with("000015"), "{reverted}");
    let reverted = migrate::revert_last(&mut conn).unwrap();
    assert!(reverted.ends_with("000014"), "{reverted}");
    let reverted = migrate::revert_last(&mut conn).unwrap();
    assert!(reverted.ends_with("000013"), "{reverted}");
    let reverted = migrate::revert_last(&mut conn).unwrap();
    assert!(reverted.ends_with("000012"), "{reverted}");
    let reverted = migrate::revert_last(&mut conn).unwrap();
    assert!(reverted.ends_with("000011"), "{reverted}");
    let reverted = migrate::revert_last(&mut conn).unwrap();
    assert!(reverted.ends_with("000010"), "{reverted}");
    let reverted = migrate::revert_last(&mut conn).unwrap();
    assert!(reverted.ends_with("000009"), "{reverted}");
    migrate::run_pending(&mut conn).unwrap();
    assert_eq!(read(&mut conn), before);
}
both_backends!(case_components_add_up_and_refill_from_the_pinned_results);

/// A replaced component list keeps the components before the first accepted change as the
/// originals (0 for one the change adds), and later changes keep those originals.
async fn accepted_changes_keep_the_original_components(backend: Backend) {
    use diesel::prelude::*;
    use staffpay::db::components;
    use staffpay::db::schema::case_components;
    use staffpay::domain::entitlement::ComponentCode;
    let test_db = TestDb::new(backend);
    let settings = test_db.settings();
    let db = staffpay::startup::prepare_database(&settings).unwrap();
    let mut conn = db.get().unwrap();
    let policy = staffpay::startup::load_policy(&settings).unwrap();
    staffpay::demo::load(&mut conn).unwrap();
    staffpay::demo::load_people(&mut conn, &policy, 3).unwrap();
    let (case_id, code, amount): (i64, ComponentCode, i64) = case_components::table
        .order((case_components::case_id.asc(), case_components::code.asc()))
        .select((
            case_components::case_id,
            case_components::code,
            case_components::amount_vnd,
        ))
        .first(&mut conn)
        .unwrap();
    let read = |conn: &mut staffpay::db::DbConnection| -> Vec<(ComponentCode, i64, Option<i64>)> {
        case_components::table
            .filter(case_components::case_id.eq(case_id))
            .order(case_components::code.asc())
            .select((
                case_components::code,
                case_components::amount_vnd,
                case_components::original_vnd,
            ))
            .load(conn)
            .unwrap()
    };
    let old = read(&mut conn);
    let added = ComponentCode::ALL
        .into_iter()
        .find(|c| old.iter().all(|r| r.0 != *c))
        .unwrap();
    // First accepted change: `code` rises, `added` appears, the others are dropped.
    let first = vec![(code, amount + 1_000), (added, 500)];
    components::replace(&mut conn, CaseId(case_id), &first, true).unwrap();
    let after = read(&mut conn);
    for (c, amount_now, original) in &after {
        let was = old.iter().find(|r| r.0 == *c).map_or(0, |r| r.1);
        assert_eq!(*original, Some(was), "{c:?}");
        let now = first.iter().find(|p| p.0 == *c).map_or(0, |p| p.1);
        assert_eq!(*amount_now, now, "{c:?}");
    }
    assert_eq!(after.len(), old.len() + 1);
    // A second change keeps the first originals.
    components::replace(&mut conn, CaseId(case_id), &[(code, amount)], true).unwrap();
    let again = read(&mut conn);
    for (c, _, original) in &again {
        let was = old.iter().find(|r| r.0 == *c).map_or(0, |r| r.1);
        assert_eq!(*original, Some(was), "{c:?}");
    }
}
both_backends!(accepted_changes_keep_the_original_components);
