//! New status-page lookup codes for every case of a unit (and the units below it), for the
//! agency to hand out: issued in one transaction (all or none; the old codes stop working),
//! written as a CSV file (UTF-8 with a byte-order mark; `case_id,national_id,full_name,code`)
//! or an `.xlsx` workbook with national ids as text cells so that their leading zeros stay.
//! Names are defused like every cell the project writes ([`crate::export`]). The file holds
//! personal data and the codes: keep it like the letters it prints. Used by
//! `staffpay lookup-codes` and the units page.

use crate::auth::keys::SecretKeys;
use crate::db::cases::{self, CaseHolder};
use crate::db::units::UnitRow;
use crate::db::{DbConnection, transaction};
use crate::domain::ids::CaseId;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::services::Actor;

/// One case's new code.
#[derive(Debug, Clone)]
pub struct Issued {
    pub case_id: CaseId,
    pub national_id: String,
    pub full_name: String,
    pub code: String,
}

/// The columns of the file.
pub const HEADER: [&str; 4] = ["case_id", "national_id", "full_name", "code"];

/// Issues a new code for every case of `unit_code` and below (at most `limit`, the first by
/// id) within the actor's scope; a unit outside it is not found.
pub fn issue_for_unit(
    conn: &mut DbConnection,
    keys: &SecretKeys,
    actor: &Actor,
    unit_code: &str,
    limit: Option<i64>,
) -> Result<(UnitRow, Vec<Issued>), AppError> {
    let code = UnitCode::normalize(unit_code);
    let unit = crate::db::units::find_by_code(conn, &code)?
        .filter(|u| actor.scope.contains_path(&u.path))
        .ok_or(AppError::NotFound)?;
    let issued = transaction(conn, |conn| -> Result<Vec<Issued>, AppError> {
        let rows = cases::holders_below(conn, &unit.path, limit.unwrap_or(i64::MAX))?;
        let mut issued = Vec::with_capacity(rows.len());
        for CaseHolder {
            id,
            national_id,
            full_name,
        } in rows
        {
            let code = super::case_review::issue_lookup_code(conn, keys, actor, id)?;
            issued.push(Issued {
                case_id: id,
                national_id,
                full_name,
                code,
            });
        }
        Ok(issued)
    })?;
    Ok((unit, issued))
}

/// The codes as CSV.
pub fn to_csv(issued: &[Issued]) -> anyhow::Result<Vec<u8>> {
    let mut csv = crate::export::csv_writer(Vec::new())?;
    crate::export::write_csv_record(&mut csv, HEADER)?;
    for i in issued {
        let id = i.case_id.to_string();
        crate::export::write_csv_record(
            &mut csv,
            [id.as_str(), &i.national_id, &i.full_name, &i.code],
        )?;
    }
    csv.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// The codes as a workbook.
pub fn to_xlsx(issued: &[Issued]) -> anyhow::Result<Vec<u8>> {
    use crate::export::SafeText as _;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Ma tra cuu")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, title) in (0u16..).zip(HEADER) {
        sheet.write_text_with_format(0, col, title, &bold)?;
    }
    for (row, i) in (1u32..).zip(issued) {
        sheet.write_text(row, 0, i.case_id.to_string())?;
        sheet.write_text(row, 1, &i.national_id)?;
        sheet.write_text(row, 2, &i.full_name)?;
        sheet.write_text(row, 3, &i.code)?;
    }
    sheet.set_column_width(1, 16)?;
    sheet.set_column_width(2, 32)?;
    sheet.set_column_width(3, 16)?;
    Ok(workbook.save_to_buffer()?)
}
