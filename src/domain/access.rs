//! Who may do what: roles, permissions and separation of duties, as one table.
//!
//! Every endpoint names the [`Permission`] it needs (in the route table); the authorisation
//! middleware asks [`Role::can`]; storage queries take the caller's unit scope. Nothing else
//! in the code decides access.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::ids::UserId;

/// A user's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users, units and settings; sees everything.
    Admin,
    /// Ministry of Home Affairs reviewer: checks, approves and returns cases.
    MohaReviewer,
    /// Ministry of Finance payment officer: funding, payments, statements, Treasury accounts.
    MofOfficer,
    /// Agency officer: submits rosters for their unit and sees its cases.
    UnitOfficer,
    /// Read-only, nationwide.
    NationalViewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::MohaReviewer,
        Role::MofOfficer,
        Role::UnitOfficer,
        Role::NationalViewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::MohaReviewer => "moha_reviewer",
            Role::MofOfficer => "mof_officer",
            Role::UnitOfficer => "unit_officer",
            Role::NationalViewer => "national_viewer",
        }
    }

    /// Whether this role sees every unit regardless of the units it is assigned.
    pub fn is_nationwide(self) -> bool {
        matches!(self, Role::Admin | Role::NationalViewer)
    }

    /// The permission table. One match, read top to bottom by an auditor.
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            ReadUnits | ReadCases | ReadProgress | ReadFlags | ReadReports | Calculate => true,
            ManageUnits => matches!(self, Role::Admin | Role::UnitOfficer),
            SetTreasuryAccount => matches!(self, Role::Admin | Role::MofOfficer),
            MergeUnits | ManageUsers => self == Role::Admin,
            SubmitRoster => matches!(self, Role::Admin | Role::UnitOfficer),
            ReviewCases => matches!(self, Role::Admin | Role::MohaReviewer),
            FundCases | RecordPayments | ImportStatements => {
                matches!(self, Role::Admin | Role::MofOfficer)
            }
            CancelCases => matches!(self, Role::Admin | Role::MohaReviewer),
            // The agency that prints a person's statement, or a reviewer answering them.
            IssueLookupCodes => {
                matches!(self, Role::Admin | Role::UnitOfficer | Role::MohaReviewer)
            }
            ReadAudit => matches!(
                self,
                Role::Admin | Role::MohaReviewer | Role::NationalViewer
            ),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown role name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role '{0}': use admin, moha_reviewer, mof_officer, unit_officer or national_viewer"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// What an endpoint needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    ReadUnits,
    ManageUnits,
    SetTreasuryAccount,
    MergeUnits,
    ManageUsers,
    SubmitRoster,
    ReadCases,
    ReviewCases,
    FundCases,
    RecordPayments,
    CancelCases,
    IssueLookupCodes,
    ImportStatements,
    ReadProgress,
    ReadFlags,
    ReadReports,
    ReadAudit,
    Calculate,
}

/// An action that separation of duties constrains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duty {
    /// Approving or returning a case.
    Approve,
    /// Recording a payment on a case.
    Pay,
}

/// Who has already acted on a case, as far as separation of duties is concerned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaseActors {
    /// The user who submitted the roster row that created or last changed the case.
    pub submitted_by: Option<UserId>,
    /// The user who approved the case.
    pub approved_by: Option<UserId>,
}

/// Why separation of duties refuses an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DutyConflict {
    #[error("whoever submitted a roster cannot approve its cases")]
    SubmitterApproves,
    #[error("whoever approved a case cannot record its payments")]
    ApproverPays,
}

impl DutyConflict {
    /// The refusal in Vietnamese (the English is its `Display`).
    pub fn message_vi(self) -> &'static str {
        match self {
            DutyConflict::SubmitterApproves => {
                "Người gửi danh sách không được duyệt hồ sơ của danh sách đó."
            }
            DutyConflict::ApproverPays => {
                "Người duyệt hồ sơ không được ghi nhận chi trả cho hồ sơ đó."
            }
        }
    }
}

/// Separation of duties: the submitter of a roster does not approve its cases; the approver of
/// a case does not record its payments.
pub fn check_duty(user_id: UserId, duty: Duty, actors: CaseActors) -> Result<(), DutyConflict> {
    match duty {
        Duty::Approve if actors.submitted_by == Some(user_id) => {
            Err(DutyConflict::SubmitterApproves)
        }
        Duty::Pay if actors.approved_by == Some(user_id) => Err(DutyConflict::ApproverPays),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn viewers_only_read() {
        let r = Role::NationalViewer;
        assert!(r.can(Permission::ReadCases));
        for p in [
            Permission::ReviewCases,
            Permission::RecordPayments,
            Permission::SubmitRoster,
            Permission::SetTreasuryAccount,
            Permission::ManageUsers,
        ] {
            assert!(!r.can(p), "{p:?}");
        }
    }

    #[test]
    fn separation_of_duties() {
        let actors = CaseActors {
            submitted_by: Some(UserId(1)),
            approved_by: Some(UserId(2)),
        };
        assert_eq!(
            check_duty(UserId(1), Duty::Approve, actors),
            Err(DutyConflict::SubmitterApproves)
        );
        assert_eq!(
            check_duty(UserId(2), Duty::Pay, actors),
            Err(DutyConflict::ApproverPays)
        );
        assert!(check_duty(UserId(3), Duty::Approve, actors).is_ok());
        assert!(check_duty(UserId(1), Duty::Pay, actors).is_ok());
    }
}
