//! Typed ids: a `UnitId` cannot be passed where a `UserId` is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

id_type!(
    /// An organisation unit.
    UnitId,
    /// A user of the service.
    UserId,
    /// A login or API token.
    TokenId,
    /// A case: one departing person's entitlement and its payments.
    CaseId,
    /// One payment entry (a payment or a reversal) on a case.
    PaymentId,
    /// One line of an imported Treasury or bank statement.
    StatementLineId,
);
