//! `src/db/schema.rs` matches what the migrations create, on both backends.

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
