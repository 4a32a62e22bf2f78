//! The domain's closed vocabularies and ids as stored columns (as lemmy's `newtypes.rs`): a
//! case's state, scheme, category and band, a person's sex, a unit's kind. Each is stored as
//! its contract code in a `TEXT` column and read back into the domain type, on SQLite and
//! PostgreSQL alike, so rows carry domain types and no caller parses a stored string. A value
//! that is not a code (which only a hand edit of the database can make) fails the query that
//! reads it, naming the column's type and the value.
//!
//! The id newtypes of [`crate::domain::ids`] are stored as the `BIGINT` they wrap, so a row's
//! `UnitId` cannot be handed to a query that expects a `UserId`.

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{BigInt, Nullable, SingleValue, Text, Timestamp};
use diesel::sqlite::Sqlite;

use crate::domain::case_state::CaseState;
use crate::domain::dates::push_digits;
use crate::domain::entitlement::ComponentCode;
use crate::domain::ids::{CaseId, PaymentId, StatementLineId, TokenId, UnitId, UserId};
use crate::domain::policy::{Band, Category, Scheme, Sex};
use crate::domain::unit::UnitKind;

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

// As `#[derive(FromSqlRow)]` makes it: a single column read through `FromSql`.
macro_rules! single_column {
    ($ty:ty) => {
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
    };
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

        single_column!($ty);

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
    UnitKind => "unit kind", as_str, UnitKind::ALL;
}

macro_rules! stored_as_bigint {
    ($($ty:ident),* $(,)?) => {$(
        impl<DB> FromSql<BigInt, DB> for $ty
        where
            DB: Backend,
            i64: FromSql<BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                i64::from_sql(bytes).map($ty)
            }
        }

        impl<DB> ToSql<BigInt, DB> for $ty
        where
            DB: Backend,
            i64: ToSql<BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <i64 as ToSql<BigInt, DB>>::to_sql(&self.0, out)
            }
        }

        // A list of ids compared with a nullable column (`unit_id IN (…)` on the audit trail).
        impl<DB> ToSql<Nullable<BigInt>, DB> for $ty
        where
            DB: Backend,
            i64: ToSql<Nullable<BigInt>, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <i64 as ToSql<Nullable<BigInt>, DB>>::to_sql(&self.0, out)
            }
        }

        single_column!($ty);

        // Bound as the `i64` inside.
        impl AsExpression<BigInt> for $ty {
            type Expression = <i64 as AsExpression<BigInt>>::Expression;
            fn as_expression(self) -> Self::Expression {
                AsExpression::<BigInt>::as_expression(self.0)
            }
        }

        impl AsExpression<BigInt> for &$ty {
            type Expression = <i64 as AsExpression<BigInt>>::Expression;
            fn as_expression(self) -> Self::Expression {
                AsExpression::<BigInt>::as_expression(self.0)
            }
        }

        impl AsExpression<Nullable<BigInt>> for $ty {
            type Expression = <i64 as AsExpression<Nullable<BigInt>>>::Expression;
            fn as_expression(self) -> Self::Expression {
                AsExpression::<Nullable<BigInt>>::as_expression(self.0)
            }
        }

        impl AsExpression<Nullable<BigInt>> for &$ty {
            type Expression = <i64 as AsExpression<Nullable<BigInt>>>::Expression;
            fn as_expression(self) -> Self::Expression {
                AsExpression::<Nullable<BigInt>>::as_expression(self.0)
            }
        }
    )*};
}

stored_as_bigint!(UnitId, UserId, TokenId, CaseId, PaymentId, StatementLineId);

/// A timestamp as the bulk inserts write it: the same value and the same stored form as a
/// `NaiveDateTime` (`%F %T%.f` text on SQLite, the binary form on PostgreSQL), written
/// without interpreting chrono's format string each time — an import writes six per roster
/// row, and formatting them through chrono cost more than inserting the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, AsExpression)]
#[diesel(sql_type = Timestamp)]
pub struct Stamp(pub NaiveDateTime);

impl Stamp {
    /// Now, in UTC, as stored.
    pub fn now() -> Self {
        Stamp(super::now())
    }

    /// The SQLite text, when the fast path knows how to write it (every instant of years
    /// 0–9999 without a leap second); `None` leaves it to chrono.
    fn sqlite_text(self) -> Option<String> {
        use chrono::{Datelike, Timelike};
        let t = self.0;
        let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
        let nanos = t.nanosecond();
        if nanos >= 1_000_000_000 {
            return None;
        }
        let mut out = String::with_capacity(29);
        push_digits(&mut out, year, 4);
        out.push('-');
        push_digits(&mut out, t.month(), 2);
        out.push('-');
        push_digits(&mut out, t.day(), 2);
        out.push(' ');
        push_digits(&mut out, t.hour(), 2);
        out.push(':');
        push_digits(&mut out, t.minute(), 2);
        out.push(':');
        push_digits(&mut out, t.second(), 2);
        // chrono's `%.f`: nothing, or milli-, micro- or nanoseconds, as few as are exact.
        if nanos != 0 {
            out.push('.');
            if nanos.is_multiple_of(1_000_000) {
                push_digits(&mut out, nanos / 1_000_000, 3);
            } else if nanos.is_multiple_of(1_000) {
                push_digits(&mut out, nanos / 1_000, 6);
            } else {
                push_digits(&mut out, nanos, 9);
            }
        }
        Some(out)
    }
}

impl From<NaiveDateTime> for Stamp {
    fn from(t: NaiveDateTime) -> Self {
        Stamp(t)
    }
}

impl ToSql<Timestamp, Sqlite> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        match self.sqlite_text() {
            Some(text) => {
                out.set_value(text);
                Ok(IsNull::No)
            }
            None => <NaiveDateTime as ToSql<Timestamp, Sqlite>>::to_sql(&self.0, out),
        }
    }
}

impl ToSql<Timestamp, Pg> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.0, out)
    }
}

impl ToSql<Timestamp, super::MultiBackend> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, super::MultiBackend>) -> serialize::Result {
        out.set_value((Timestamp, self));
        Ok(IsNull::No)
    }
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
        round_trip::<UnitKind>();
    }

    #[test]
    fn stamps_are_written_as_chrono_writes_them() {
        let base = chrono::NaiveDate::from_ymd_opt(2025, 7, 1)
            .unwrap()
            .and_hms_opt(23, 59, 58)
            .unwrap();
        let nanos = [
            0,
            1,
            7,
            999,
            1_000,
            120_000,
            123_456,
            1_000_000,
            5_000_000,
            123_456_789,
            999_999_999,
        ];
        let mut t = chrono::NaiveDate::from_ymd_opt(1, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let mut samples = vec![base];
        for i in 0..3000u32 {
            t += chrono::Duration::seconds(10_512_017)
                + chrono::Duration::nanoseconds(i64::from(i) * 7_919);
            samples.push(t);
        }
        for n in nanos {
            samples.push(base + chrono::Duration::nanoseconds(n));
        }
        for s in samples {
            assert_eq!(
                Stamp(s).sqlite_text().as_deref(),
                Some(s.format("%F %T%.f").to_string().as_str()),
                "{s:?}"
            );
        }
        let far = chrono::NaiveDate::from_ymd_opt(12_000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(Stamp(far).sqlite_text(), None);
    }
}
