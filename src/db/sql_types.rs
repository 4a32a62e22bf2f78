//! The domain's closed vocabularies as stored columns (as lemmy's `newtypes.rs`): a case's
//! state, scheme, category and band, a person's sex. Each is stored as its contract code in a
//! `TEXT` column and read back into the domain type, on SQLite and PostgreSQL alike, so rows
//! carry domain types and no caller parses a stored string. A value that is not a code (which
//! only a hand edit of the database can make) fails the query that reads it, naming the
//! column's type and the value.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Nullable, SingleValue, Text};

use crate::domain::case_state::CaseState;
use crate::domain::entitlement::ComponentCode;
use crate::domain::policy::{Band, Category, Scheme, Sex};

/// Stored as text: the code of each value, and every value.
pub trait StoredCode: Sized + Copy + 'static {
    /// What the column holds, for the message of an unreadable value.
    const WHAT: &'static str;
    fn code(self) -> &'static str;
    fn all() -> &'static [Self];

    /// The value whose code is `text`, exactly.
    fn from_code(text: &str) -> Option<Self> {
        Self::all().iter().copied().find(|v| v.code() == text)
    }
}

macro_rules! stored_as_text {
    ($($ty:ty => $what:literal, $code:ident, $all:expr;)*) => {$(
        impl StoredCode for $ty {
            const WHAT: &'static str = $what;
            fn code(self) -> &'static str {
                self.$code()
            }
            fn all() -> &'static [Self] {
                &$all
            }
        }

        impl<DB> FromSql<Text, DB> for $ty
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let text = String::from_sql(bytes)?;
                <$ty as StoredCode>::from_code(&text)
                    .ok_or_else(|| format!("not a {}: `{text}`", $what).into())
            }
        }

        // Written as its code (a batch `COPY` on PostgreSQL binds values directly).
        impl<DB> ToSql<Text, DB> for $ty
        where
            DB: Backend,
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(StoredCode::code(*self), out)
            }
        }

        // As `#[derive(FromSqlRow)]` makes it: a single column read through `FromSql`.
        impl<DB, ST> Queryable<ST, DB> for $ty
        where
            DB: Backend,
            ST: SingleValue,
            Self: FromSql<ST, DB>,
        {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }

        // Written as the code's `&'static str`: the bind is the text itself.
        impl AsExpression<Text> for $ty {
            type Expression = <&'static str as AsExpression<Text>>::Expression;
            fn as_expression(self) -> Self::Expression {
                AsExpression::<Text>::as_expression(StoredCode::code(self))
            }
        }

        impl AsExpression<Text> for &$ty {
            type Expression = <&'static str as AsExpression<Text>>::Expression;
            fn as_expression(self) -> Self::Expression {
                AsExpression::<Text>::as_expression(StoredCode::code(*self))
            }
        }

        impl AsExpression<Nullable<Text>> for $ty {
            type Expression = <&'static str as AsExpression<Nullable<Text>>>::Expression;
            fn as_expression(self) -> Self::Expression {
                AsExpression::<Nullable<Text>>::as_expression(StoredCode::code(self))
            }
        }

        impl AsExpression<Nullable<Text>> for &$ty {
            type Expression = <&'static str as AsExpression<Nullable<Text>>>::Expression;
            fn as_expression(self) -> Self::Expression {
                AsExpression::<Nullable<Text>>::as_expression(StoredCode::code(*self))
            }
        }
    )*};
}

stored_as_text! {
    CaseState => "case state", as_str, CaseState::ALL;
    Scheme => "scheme", as_str, *Scheme::ALL;
    Category => "category", as_str, *Category::ALL;
    Band => "band", code, *Band::ALL;
    Sex => "sex", as_str, *Sex::ALL;
    ComponentCode => "component", code, ComponentCode::ALL;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: StoredCode + PartialEq + std::fmt::Debug>() {
        for v in T::all() {
            assert_eq!(T::from_code(v.code()), Some(*v), "{}", T::WHAT);
        }
        assert_eq!(T::from_code("no such code"), None);
    }

    #[test]
    fn every_value_reads_back_from_its_code() {
        round_trip::<CaseState>();
        round_trip::<Scheme>();
        round_trip::<Category>();
        round_trip::<Band>();
        round_trip::<Sex>();
        round_trip::<ComponentCode>();
    }
}
