//! Header detection on roster layouts (the roster's column set).

use super::*;
use crate::import::columns::Column;
use std::borrow::Cow;

fn row(number: u32, cells: &[&'static str]) -> GridRow<'static> {
    GridRow {
        number,
        cells: cells
            .iter()
            .map(|t| {
                if t.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(Cow::Borrowed(*t))
                }
            })
            .collect(),
    }
}

#[test]
fn finds_a_one_row_header_under_title_rows() {
    let g = Grid {
        sheet: "S".into(),
        rows: vec![
            row(1, &["DANH SÁCH CÁN BỘ NGHỈ VIỆC"]),
            row(2, &["(Kèm theo Quyết định số 12/QĐ-UBND)"]),
            row(4, &["STT", "Họ và tên", "Số CCCD", "Ngày sinh", "Ghi chú"]),
            row(5, &["1", "Nguyễn Văn A", "001070012345", "01/02/1970"]),
        ],
    };
    let h = detect(&g).unwrap();
    assert_eq!((h.first_row, h.last_row, h.data_start), (4, 4, 3));
    assert_eq!(h.columns.len(), 4);
    assert_eq!(h.find(Column::NationalId).unwrap().index, 2);
    assert_eq!(
        h.unknown,
        vec![UnknownColumn {
            index: 4,
            header: "Ghi chú".into(),
            sample: None,
            looks_like: None,
        }]
    );
}

#[test]
fn finds_a_two_row_header_under_merged_group_headings() {
    let g = Grid {
        sheet: "S".into(),
        rows: vec![
            row(
                3,
                &[
                    "STT",
                    "Họ và tên",
                    "Số định danh cá nhân",
                    "Phụ cấp (%)",
                    "",
                    "",
                    "Tiền lương (đồng)",
                    "",
                ],
            ),
            row(
                4,
                &[
                    "",
                    "",
                    "",
                    "Công vụ",
                    "Thâm niên nghề",
                    "Ưu đãi nghề",
                    "Theo hợp đồng",
                    "Hiện hưởng",
                ],
            ),
            row(5, &["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"]),
        ],
    };
    let h = detect(&g).unwrap();
    assert_eq!((h.first_row, h.last_row, h.data_start), (3, 4, 2));
    let cols: Vec<Column> = h.columns.iter().map(|m| m.column).collect();
    assert_eq!(
        cols,
        [
            Column::Seq,
            Column::FullName,
            Column::NationalId,
            Column::PublicServicePct,
            Column::ProfessionalSeniorityPct,
            Column::OccupationalPreferentialPct,
            Column::ContractMonthlyWage,
            Column::MonthlySalary
        ]
    );
    assert_eq!(
        h.find(Column::ProfessionalSeniorityPct).unwrap().header,
        "Phụ cấp (%) / Thâm niên nghề"
    );
    let mut key = String::new();
    assert_eq!(
        classify(&g.rows[2], Some(2), Some(1), &mut key),
        RowKind::Numbering
    );
}

#[test]
fn no_header_in_prose() {
    let g = Grid {
        sheet: "S".into(),
        rows: vec![
            row(1, &["Hướng dẫn"]),
            row(2, &["Họ và tên: ghi đầy đủ"]),
            row(3, &["Ngày sinh", "Họ và tên"]),
        ],
    };
    assert_eq!(detect(&g), None);
}

#[test]
fn duplicate_headers_keep_the_first() {
    let g = Grid {
        sheet: "S".into(),
        rows: vec![row(1, &["Họ và tên", "Số CCCD", "Ngày sinh", "Ho ten"])],
    };
    let h = detect(&g).unwrap();
    assert_eq!(h.find(Column::FullName).unwrap().index, 0);
    assert_eq!(h.duplicates.len(), 1);
}

#[test]
fn totals_and_signatures_end_the_data() {
    let mut key = String::new();
    let cases = [
        (row(9, &["", "Tổng cộng", "", "", "123"]), RowKind::Total),
        (row(9, &["Cộng", "", "", ""]), RowKind::Total),
        (row(9, &["TOTAL", "", "", ""]), RowKind::Total),
        (
            row(9, &["", "Người lập biểu", "", "Thủ trưởng đơn vị"]),
            RowKind::Signature,
        ),
        (
            row(9, &["", "", "Hà Nội, ngày 15 tháng 3 năm 2025"]),
            RowKind::Signature,
        ),
        (row(9, &["I", "Khối Đảng"]), RowKind::Other),
        (row(9, &["", "Trần B", "", "01/02/1970"]), RowKind::Other),
        (
            row(9, &["", "Trần B", "", "01/02/1970", "Nam"]),
            RowKind::Data,
        ),
        (row(9, &["II", "", "", "Khối chính quyền"]), RowKind::Other),
        (
            row(9, &["1", "Nguyễn Văn Cộng", "001070012345"]),
            RowKind::Data,
        ),
    ];
    for (r, kind) in cases {
        assert_eq!(
            classify(&r, Some(2), Some(1), &mut key),
            kind,
            "{:?}",
            r.cells
        );
    }
}

fn detect(grid: &Grid<'_>) -> Option<HeaderLayout<Column>> {
    crate::import::recognize::detect_as::<Column>(grid)
}
