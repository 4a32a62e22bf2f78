//! Flags: the problems that hold money back, computed from the data every time they are
//! shown, never stored as truth. Some conditions are derived here from the case's state and
//! amounts; others come from stored markers (a recomputation that changed an approved
//! entitlement, a dispute raised by the person, a duplicate payment found on import, a
//! statement line nobody could match) and are only aged here.
//!
//! Everything is pure: "today" is an input, and the policy numbers are passed in as
//! [`FlagParams`] (built from `PolicySet::overdue_after_approval_days()` and
//! `PolicySet::payment_deadline_for(decision_date)`).
//!
//! Decisions where the issue is silent:
//! - **Deadline day.** The policy tables give each national deadline as `pay_by`; the
//!   deadline day itself is still on time and a case unpaid at the end of it is overdue from
//!   the next day. Conclusion 195's "before 2025-10-15" is transcribed as `pay_by =
//!   2025-10-15` in `payment_deadlines.toml`; if the stricter reading is wanted, the table
//!   (not the code) changes to `2025-10-14`.
//! - **N days after approval.** Overdue when more than N whole days have passed since the
//!   approval date: approved on 1 July with N = 30 is overdue from 1 August.
//! - **The deadline applies to every open case** (not only approved ones): a person unpaid after
//!   the national deadline is overdue whether or not the case was approved in time.
//! - **Age** is whole days since the flag's `since` date: 0 on the day it is raised.
//! - `unit_account_missing` and `person_account_missing` are raised while money is still to
//!   flow (approved, payable, partially paid); a paid case needs no account any more.
//! - `overpaid` and `amount_mismatch` date from the later of the last payment and the last
//!   entitlement change (whichever made the amounts disagree).
//! - Dates are calendar dates in Vietnam (UTC+7); the caller converts timestamps.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::domain::case_state::CaseState;
use crate::domain::money::Vnd;

/// A kind of flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Not fully paid N days after approval, or after the national deadline.
    Overdue,
    /// The paying unit has no State Treasury account.
    UnitAccountMissing,
    /// The person has no bank account to be paid into.
    PersonAccountMissing,
    /// Paid above the entitlement.
    Overpaid,
    /// Marked paid, but the payments do not add up to the entitlement.
    AmountMismatch,
    /// A payment list held a payment already recorded.
    DuplicatePayment,
    /// A statement line matched no payment.
    UnmatchedStatementLine,
    /// A statement line pays, by its reference and amount, a payment another line already
    /// confirmed: most likely the same money paid twice.
    PossibleDoublePayout,
    /// A recomputation changed an approved entitlement.
    EntitlementChanged,
    /// The person disputes the case.
    Disputed,
    /// The leave decision was made after the programme's window for decisions and no
    /// windowed deadline covers it (Conclusion 183-KL/TW): a reviewer looks at it.
    AfterProgrammeEnd,
}

impl FlagKind {
    /// Every kind, in the order lists show them.
    pub const ALL: [FlagKind; 11] = [
        FlagKind::Overdue,
        FlagKind::UnitAccountMissing,
        FlagKind::PersonAccountMissing,
        FlagKind::Overpaid,
        FlagKind::AmountMismatch,
        FlagKind::DuplicatePayment,
        FlagKind::UnmatchedStatementLine,
        FlagKind::PossibleDoublePayout,
        FlagKind::EntitlementChanged,
        FlagKind::Disputed,
        FlagKind::AfterProgrammeEnd,
    ];

    /// The name in the API and filters, e.g. `unit_account_missing`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FlagKind::Overdue => "overdue",
            FlagKind::UnitAccountMissing => "unit_account_missing",
            FlagKind::PersonAccountMissing => "person_account_missing",
            FlagKind::Overpaid => "overpaid",
            FlagKind::AmountMismatch => "amount_mismatch",
            FlagKind::DuplicatePayment => "duplicate_payment",
            FlagKind::UnmatchedStatementLine => "unmatched_statement_line",
            FlagKind::PossibleDoublePayout => "possible_double_payout",
            FlagKind::EntitlementChanged => "entitlement_changed",
            FlagKind::Disputed => "disputed",
            FlagKind::AfterProgrammeEnd => "after_programme_end",
        }
    }

    /// The name back to a kind (e.g. a `flag=` filter).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        FlagKind::ALL.into_iter().find(|k| k.as_str() == t)
    }

    /// Short Vietnamese label.
    pub const fn label_vi(self) -> &'static str {
        match self {
            FlagKind::Overdue => "Quá hạn chi trả",
            FlagKind::UnitAccountMissing => "Đơn vị chưa có tài khoản tại Kho bạc",
            FlagKind::PersonAccountMissing => "Người hưởng chưa có tài khoản ngân hàng",
            FlagKind::Overpaid => "Chi vượt số được hưởng",
            FlagKind::AmountMismatch => "Tổng đã chi khác số được hưởng",
            FlagKind::DuplicatePayment => "Khoản chi trùng",
            FlagKind::UnmatchedStatementLine => "Dòng sao kê chưa khớp",
            FlagKind::PossibleDoublePayout => "Có thể chi trùng hai lần",
            FlagKind::EntitlementChanged => "Số được hưởng đã thay đổi",
            FlagKind::Disputed => "Người hưởng khiếu nại",
            FlagKind::AfterProgrammeEnd => "Quyết định sau thời hạn của chương trình",
        }
    }

    /// Short English label.
    pub const fn label_en(self) -> &'static str {
        match self {
            FlagKind::Overdue => "Payment overdue",
            FlagKind::UnitAccountMissing => "Unit has no Treasury account",
            FlagKind::PersonAccountMissing => "Person has no bank account",
            FlagKind::Overpaid => "Paid above entitlement",
            FlagKind::AmountMismatch => "Payments differ from entitlement",
            FlagKind::DuplicatePayment => "Duplicate payment",
            FlagKind::UnmatchedStatementLine => "Unmatched statement line",
            FlagKind::PossibleDoublePayout => "Possible double payout",
            FlagKind::EntitlementChanged => "Entitlement changed",
            FlagKind::Disputed => "Disputed by the person",
            FlagKind::AfterProgrammeEnd => "Decision after the programme's window",
        }
    }

    /// What to do, in Vietnamese.
    pub const fn action_vi(self) -> &'static str {
        match self {
            FlagKind::Overdue => {
                "Đơn vị chi trả cần chi ngay phần còn lại; nếu vướng mắc (thiếu kinh phí, tài \
                 khoản), báo cáo cơ quan cấp trên"
            }
            FlagKind::UnitAccountMissing => {
                "Đơn vị mở tài khoản tại Kho bạc Nhà nước và cập nhật số tài khoản trong hệ thống"
            }
            FlagKind::PersonAccountMissing => {
                "Đơn vị quản lý bổ sung số tài khoản ngân hàng của người hưởng (nhập lại danh \
                 sách) hoặc ghi nhận chi bằng tiền mặt"
            }
            FlagKind::Overpaid => {
                "Cán bộ tài chính xác minh; thu hồi phần chi vượt và ghi giảm khoản chi"
            }
            FlagKind::AmountMismatch => {
                "Đối chiếu các khoản chi với số được hưởng; chi bổ sung hoặc ghi giảm cho khớp"
            }
            FlagKind::DuplicatePayment => {
                "Kiểm tra khoản chi trùng trong danh sách chi; nếu đã chi hai lần, thu hồi và \
                 ghi giảm một khoản"
            }
            FlagKind::UnmatchedStatementLine => {
                "Xác định hồ sơ của dòng sao kê (mã tham chiếu thanh toán) và ghi nhận khoản \
                 chi, hoặc ghi chú lý do"
            }
            FlagKind::PossibleDoublePayout => {
                "Đối chiếu với Kho bạc, ngân hàng: nếu đã chuyển tiền hai lần, thu hồi khoản \
                 chuyển thừa từ người hưởng"
            }
            FlagKind::EntitlementChanged => {
                "Cán bộ thẩm định xem lại số được hưởng mới và quyết định giữ hoặc trả lại hồ sơ"
            }
            FlagKind::Disputed => {
                "Cán bộ thẩm định xem xét nội dung khiếu nại và trả lời người hưởng"
            }
            FlagKind::AfterProgrammeEnd => {
                "Quyết định ký sau ngày 31/08/2025 (Kết luận 183-KL/TW, văn bản 6383/BNV-TCBC): \
                 cán bộ thẩm định kiểm tra căn cứ giải quyết trước khi chi"
            }
        }
    }

    /// What to do, in English.
    pub const fn action_en(self) -> &'static str {
        match self {
            FlagKind::Overdue => {
                "The paying unit pays the rest now; if something blocks it (funds, accounts), \
                 report it to the supervising agency"
            }
            FlagKind::UnitAccountMissing => {
                "The unit opens a State Treasury account and records its number here"
            }
            FlagKind::PersonAccountMissing => {
                "The unit adds the person's bank account (re-import the row) or records a cash \
                 payment"
            }
            FlagKind::Overpaid => {
                "A payment officer checks it, recovers the surplus and records a reversal"
            }
            FlagKind::AmountMismatch => {
                "Compare the payments with the entitlement; pay the difference or reverse the \
                 excess"
            }
            FlagKind::DuplicatePayment => {
                "Check the duplicate in the payment list; if paid twice, recover it and record \
                 a reversal"
            }
            FlagKind::UnmatchedStatementLine => {
                "Find the case of the statement line (its payment reference) and record the \
                 payment, or note why"
            }
            FlagKind::PossibleDoublePayout => {
                "Check with the Treasury or bank: if the money went out twice, recover the \
                 second transfer from the person"
            }
            FlagKind::EntitlementChanged => {
                "A reviewer checks the new entitlement and keeps or returns the case"
            }
            FlagKind::Disputed => "A reviewer examines the dispute and answers the person",
            FlagKind::AfterProgrammeEnd => {
                "The decision was signed after 31/08/2025 (Conclusion 183-KL/TW, letter \
                 6383/BNV-TCBC): a reviewer checks its basis before it is paid"
            }
        }
    }
}

/// A raised flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// What is wrong.
    pub kind: FlagKind,
    /// The first day it was wrong.
    pub since: NaiveDate,
    /// Whole days from `since` to today (0 on the first day; never negative).
    pub age_days: i64,
}

impl Flag {
    /// A flag raised on `since`, aged as of `today`.
    pub fn new(kind: FlagKind, since: NaiveDate, today: NaiveDate) -> Self {
        Flag {
            kind,
            since,
            age_days: (today - since).num_days().max(0),
        }
    }
}

/// Stored markers: conditions recorded by other parts of the system, each with the day it
/// was raised (`None`: not raised, or cleared).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Markers {
    /// A recomputation changed the approved entitlement.
    pub entitlement_changed: Option<NaiveDate>,
    /// The person raised a dispute.
    pub disputed: Option<NaiveDate>,
    /// An imported payment duplicated a recorded one.
    pub duplicate_payment: Option<NaiveDate>,
    /// A statement line attributed to this case matched none of its payments.
    pub unmatched_statement_line: Option<NaiveDate>,
}

/// What the flags need to know about a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseFacts {
    /// The case's state.
    pub state: CaseState,
    /// The pinned entitlement.
    pub entitled: Vnd,
    /// The sum of the payment entries.
    pub paid: Vnd,
    /// The day the case was approved (the latest approval, if returned and approved again).
    pub approved_on: Option<NaiveDate>,
    /// The day the current entitlement was computed (set on import or recomputation).
    pub entitlement_set_on: Option<NaiveDate>,
    /// The day of the latest payment entry.
    pub last_payment_on: Option<NaiveDate>,
    /// Whether the person has a bank account on record.
    pub person_has_account: bool,
    /// Markers stored for the case.
    pub markers: Markers,
}

/// What the flags need to know about the case's paying unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnitFacts {
    /// Whether the unit has a State Treasury account on record.
    pub has_treasury_account: bool,
    /// The day the unit was to have its account (commune-level units: 2025-10-05); the
    /// missing-account flag counts its age from it.
    pub account_due: Option<NaiveDate>,
}

/// The policy numbers the flags use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlagParams {
    /// `PolicySet::overdue_after_approval_days()`.
    pub overdue_after_days: u32,
    /// `PolicySet::payment_deadline_for(case.decision_date)`: the last day to pay on time.
    pub national_deadline: NaiveDate,
    /// The decision date, when it lies after the programme's window for decisions and no
    /// windowed deadline covers it (`PolicySet::after_programme_end`).
    pub after_programme_end: Option<NaiveDate>,
}

/// The day a not-fully-paid case becomes overdue: the earlier of the day after the national
/// deadline and (once approved) the day after N days from approval. `None` for cases that
/// cannot be overdue (fully paid, cancelled, nothing owed).
pub fn overdue_from(case: &CaseFacts, params: FlagParams) -> Option<NaiveDate> {
    let owed = case.paid < case.entitled;
    if !owed || case.state == CaseState::Cancelled {
        return None;
    }
    let after_deadline = params.national_deadline.checked_add_days(Days::new(1));
    let after_approval = if case.state.is_approved_or_later() {
        case.approved_on
            .and_then(|d| d.checked_add_days(Days::new(u64::from(params.overdue_after_days) + 1)))
    } else {
        None
    };
    match (after_deadline, after_approval) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Every flag of a case as of `today`, in [`FlagKind::ALL`] order.
pub fn case_flags(
    case: &CaseFacts,
    unit: &UnitFacts,
    params: FlagParams,
    today: NaiveDate,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    let mut raise = |kind: FlagKind, since: NaiveDate| flags.push(Flag::new(kind, since, today));
    let money_to_flow = matches!(
        case.state,
        CaseState::Approved | CaseState::Payable | CaseState::PartiallyPaid
    );
    // Since when the case has been waiting for money (approval; today if unknown).
    let waiting_since = case.approved_on.unwrap_or(today);
    let amounts_since = case
        .last_payment_on
        .max(case.entitlement_set_on)
        .unwrap_or(today);

    if let Some(from) = overdue_from(case, params)
        && from <= today
    {
        raise(FlagKind::Overdue, from);
    }
    if money_to_flow && !unit.has_treasury_account {
        raise(
            FlagKind::UnitAccountMissing,
            unit.account_due.unwrap_or(waiting_since),
        );
    }
    if money_to_flow && !case.person_has_account {
        raise(FlagKind::PersonAccountMissing, waiting_since);
    }
    if case.paid > case.entitled {
        raise(FlagKind::Overpaid, amounts_since);
    }
    if matches!(case.state, CaseState::Paid | CaseState::Reconciled) && case.paid != case.entitled {
        raise(FlagKind::AmountMismatch, amounts_since);
    }
    let open = !matches!(
        case.state,
        CaseState::Paid | CaseState::Reconciled | CaseState::Cancelled
    );
    if let Some(decided) = params.after_programme_end
        && open
    {
        raise(FlagKind::AfterProgrammeEnd, decided);
    }
    let m = case.markers;
    for (kind, marker) in [
        (FlagKind::DuplicatePayment, m.duplicate_payment),
        (FlagKind::UnmatchedStatementLine, m.unmatched_statement_line),
        (FlagKind::EntitlementChanged, m.entitlement_changed),
        (FlagKind::Disputed, m.disputed),
    ] {
        if let Some(since) = marker {
            raise(kind, since);
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn case(state: CaseState, entitled: i64, paid: i64) -> CaseFacts {
        CaseFacts {
            state,
            entitled: Vnd::new(entitled),
            paid: Vnd::new(paid),
            approved_on: Some(d(2025, 7, 1)),
            entitlement_set_on: Some(d(2025, 6, 20)),
            last_payment_on: None,
            person_has_account: true,
            markers: Markers::default(),
        }
    }

    const UNIT: UnitFacts = UnitFacts {
        has_treasury_account: true,
        account_due: None,
    };

    fn params() -> FlagParams {
        FlagParams {
            overdue_after_days: 30,
            national_deadline: d(2025, 10, 10),
            after_programme_end: None,
        }
    }

    fn kinds(flags: &[Flag]) -> Vec<FlagKind> {
        flags.iter().map(|f| f.kind).collect()
    }

    fn find(flags: &[Flag], kind: FlagKind) -> Option<Flag> {
        flags.iter().copied().find(|f| f.kind == kind)
    }

    #[test]
    fn kinds_round_trip_with_labels_and_actions() {
        for k in FlagKind::ALL {
            assert_eq!(FlagKind::parse(k.as_str()), Some(k));
            for text in [k.label_vi(), k.label_en(), k.action_vi(), k.action_en()] {
                assert!(!text.is_empty(), "{k:?}");
            }
        }
        assert_eq!(FlagKind::parse("late"), None);
    }

    #[test]
    fn overdue_more_than_n_days_after_approval() {
        let c = case(CaseState::Payable, 1000, 0);
        // Approved 1 July, N = 30: 31 July is day 30 (on time), 1 August is overdue.
        assert_eq!(
            find(
                &case_flags(&c, &UNIT, params(), d(2025, 7, 31)),
                FlagKind::Overdue
            ),
            None
        );
        let f = find(
            &case_flags(&c, &UNIT, params(), d(2025, 8, 1)),
            FlagKind::Overdue,
        )
        .unwrap();
        assert_eq!((f.since, f.age_days), (d(2025, 8, 1), 0));
        let f = find(
            &case_flags(&c, &UNIT, params(), d(2025, 8, 11)),
            FlagKind::Overdue,
        )
        .unwrap();
        assert_eq!(f.age_days, 10);
    }

    #[test]
    fn overdue_after_the_national_deadline_day() {
        // Submitted, never approved: only the deadline applies; the deadline day is on time.
        let mut c = case(CaseState::Submitted, 1000, 0);
        c.approved_on = None;
        assert!(case_flags(&c, &UNIT, params(), d(2025, 10, 10)).is_empty());
        let f = find(
            &case_flags(&c, &UNIT, params(), d(2025, 10, 11)),
            FlagKind::Overdue,
        )
        .unwrap();
        assert_eq!((f.since, f.age_days), (d(2025, 10, 11), 0));
        // Approved late (1 October): the deadline comes before approval + 30.
        let mut c = case(CaseState::Approved, 1000, 0);
        c.approved_on = Some(d(2025, 10, 1));
        let f = find(
            &case_flags(&c, &UNIT, params(), d(2025, 10, 20)),
            FlagKind::Overdue,
        )
        .unwrap();
        assert_eq!(f.since, d(2025, 10, 11));
        assert_eq!(overdue_from(&c, params()), Some(d(2025, 10, 11)));
    }

    #[test]
    fn not_overdue_when_fully_paid_cancelled_or_nothing_owed() {
        let late = d(2026, 1, 1);
        for c in [
            case(CaseState::Paid, 1000, 1000),
            case(CaseState::Reconciled, 1000, 1000),
            case(CaseState::Cancelled, 1000, 0),
            case(CaseState::Payable, 0, 0),
        ] {
            assert_eq!(
                find(&case_flags(&c, &UNIT, params(), late), FlagKind::Overdue),
                None,
                "{c:?}"
            );
        }
        // Partially paid is still overdue.
        let c = case(CaseState::PartiallyPaid, 1000, 999);
        assert!(find(&case_flags(&c, &UNIT, params(), late), FlagKind::Overdue).is_some());
    }

    #[test]
    fn unit_account_missing_while_money_is_to_flow() {
        let no_account = UnitFacts {
            has_treasury_account: false,
            account_due: None,
        };
        let today = d(2025, 7, 10);
        for (state, raised) in [
            (CaseState::Submitted, false),
            (CaseState::Returned, false),
            (CaseState::Approved, true),
            (CaseState::Payable, true),
            (CaseState::PartiallyPaid, true),
            (CaseState::Paid, false),
            (CaseState::Reconciled, false),
            (CaseState::Cancelled, false),
        ] {
            let paid = if state == CaseState::PartiallyPaid {
                10
            } else {
                0
            };
            let flags = case_flags(&case(state, 1000, paid), &no_account, params(), today);
            let f = find(&flags, FlagKind::UnitAccountMissing);
            assert_eq!(f.is_some(), raised, "{state}");
            if let Some(f) = f {
                assert_eq!((f.since, f.age_days), (d(2025, 7, 1), 9));
            }
        }
        let flags = case_flags(&case(CaseState::Payable, 1000, 0), &UNIT, params(), today);
        assert!(flags.is_empty());
    }

    #[test]
    fn person_account_missing_once_approved() {
        let today = d(2025, 7, 2);
        let mut c = case(CaseState::Submitted, 1000, 0);
        c.person_has_account = false;
        assert!(case_flags(&c, &UNIT, params(), today).is_empty());
        c.state = CaseState::Approved;
        assert_eq!(
            kinds(&case_flags(&c, &UNIT, params(), today)),
            [FlagKind::PersonAccountMissing]
        );
        c.state = CaseState::Paid;
        c.paid = c.entitled;
        assert!(case_flags(&c, &UNIT, params(), today).is_empty());
    }

    #[test]
    fn overpaid_and_amount_mismatch_boundaries() {
        let today = d(2025, 9, 1);
        let mut c = case(CaseState::Paid, 1000, 1000);
        c.last_payment_on = Some(d(2025, 8, 1));
        assert!(case_flags(&c, &UNIT, params(), today).is_empty());
        // A recomputation lowered the entitlement by 1 đồng on 15 August.
        c.entitled = Vnd::new(999);
        c.entitlement_set_on = Some(d(2025, 8, 15));
        let flags = case_flags(&c, &UNIT, params(), today);
        assert_eq!(
            kinds(&flags),
            [FlagKind::Overpaid, FlagKind::AmountMismatch]
        );
        assert_eq!(flags[0].since, d(2025, 8, 15));
        assert_eq!(flags[0].age_days, 17);
        // Raised by 1 đồng instead: not overpaid, still a mismatch, and overdue (1 đồng owed).
        c.entitled = Vnd::new(1001);
        let flags = case_flags(&c, &UNIT, params(), today);
        assert_eq!(kinds(&flags), [FlagKind::Overdue, FlagKind::AmountMismatch]);
        // A partially paid case is not a mismatch.
        let c = case(CaseState::PartiallyPaid, 1000, 500);
        assert_eq!(
            find(
                &case_flags(&c, &UNIT, params(), d(2025, 7, 5)),
                FlagKind::AmountMismatch
            ),
            None
        );
    }

    #[test]
    fn markers_are_aged_not_judged() {
        let mut c = case(CaseState::Reconciled, 1000, 1000);
        c.markers = Markers {
            entitlement_changed: Some(d(2025, 9, 1)),
            disputed: Some(d(2025, 9, 5)),
            duplicate_payment: Some(d(2025, 9, 9)),
            unmatched_statement_line: Some(d(2025, 9, 10)),
        };
        let flags = case_flags(&c, &UNIT, params(), d(2025, 9, 10));
        assert_eq!(
            kinds(&flags),
            [
                FlagKind::DuplicatePayment,
                FlagKind::UnmatchedStatementLine,
                FlagKind::EntitlementChanged,
                FlagKind::Disputed
            ]
        );
        let ages: Vec<i64> = flags.iter().map(|f| f.age_days).collect();
        assert_eq!(ages, [1, 0, 9, 5]);
        // A marker dated after "today" (clock skew) is shown with age 0, never negative.
        assert_eq!(
            Flag::new(FlagKind::Disputed, d(2025, 9, 12), d(2025, 9, 10)).age_days,
            0
        );
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        let mut c = case(CaseState::Approved, 1000, 0);
        c.approved_on = Some(NaiveDate::MAX);
        let p = FlagParams {
            overdue_after_days: u32::MAX,
            national_deadline: NaiveDate::MAX,
            after_programme_end: Some(NaiveDate::MAX),
        };
        assert_eq!(overdue_from(&c, p), None);
        assert!(
            case_flags(&c, &UNIT, p, NaiveDate::MIN)
                .iter()
                .all(|f| f.age_days >= 0)
        );
    }

    #[test]
    fn commune_account_missing_counts_from_the_due_date() {
        let commune = UnitFacts {
            has_treasury_account: false,
            account_due: Some(d(2025, 10, 5)),
        };
        let c = case(CaseState::Payable, 1000, 0);
        let f = find(
            &case_flags(&c, &commune, params(), d(2025, 10, 8)),
            FlagKind::UnitAccountMissing,
        )
        .unwrap();
        assert_eq!((f.since, f.age_days), (d(2025, 10, 5), 3));
    }

    #[test]
    fn after_programme_end_until_paid() {
        let p = FlagParams {
            after_programme_end: Some(d(2025, 9, 1)),
            ..params()
        };
        for (state, raised) in [
            (CaseState::Submitted, true),
            (CaseState::Approved, true),
            (CaseState::PartiallyPaid, true),
            (CaseState::Paid, false),
            (CaseState::Reconciled, false),
            (CaseState::Cancelled, false),
        ] {
            let paid = if state == CaseState::PartiallyPaid {
                10
            } else {
                0
            };
            let flags = case_flags(&case(state, 1000, paid), &UNIT, p, d(2025, 9, 5));
            let f = find(&flags, FlagKind::AfterProgrammeEnd);
            assert_eq!(f.is_some(), raised, "{state}");
            if let Some(f) = f {
                assert_eq!((f.since, f.age_days), (d(2025, 9, 1), 4));
            }
        }
        let flags = case_flags(
            &case(CaseState::Submitted, 1000, 0),
            &UNIT,
            params(),
            d(2025, 9, 5),
        );
        assert_eq!(find(&flags, FlagKind::AfterProgrammeEnd), None);
    }
}
