//! Periods with effective dates: `from` inclusive, `until` exclusive (open when absent). The
//! periods of a table must follow each other without gap or overlap.

use chrono::NaiveDate;

use super::error::PolicyError;

/// A table row in force from `from` (inclusive) until `until` (exclusive).
pub(crate) trait Dated {
    /// First day in force.
    fn from(&self) -> NaiveDate;
    /// First day no longer in force; `None` when open-ended.
    fn until(&self) -> Option<NaiveDate>;

    /// Whether `date` falls in the period.
    fn covers(&self, date: NaiveDate) -> bool {
        date >= self.from() && self.until().is_none_or(|u| date < u)
    }
}

/// Implements [`Dated`] for structs with `from` and `until` fields.
macro_rules! impl_dated {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::domain::policy::dated::Dated for $t {
            fn from(&self) -> chrono::NaiveDate {
                self.from
            }
            fn until(&self) -> Option<chrono::NaiveDate> {
                self.until
            }
        }
    )*};
}
pub(crate) use impl_dated;

/// The period in force on `date`, if any.
pub(crate) fn at<P: Dated>(periods: &[P], date: NaiveDate) -> Option<&P> {
    periods.iter().find(|p| p.covers(date))
}

/// Checks that `periods` (the array at `key` in `file`) is non-empty, in date order, and
/// without gaps or overlaps; only the last period may be open-ended.
pub(crate) fn validate<P: Dated>(file: &str, key: &str, periods: &[P]) -> Result<(), PolicyError> {
    if periods.is_empty() {
        return Err(PolicyError::new(
            file,
            key,
            "at least one period is required",
        ));
    }
    for (i, p) in periods.iter().enumerate() {
        if let Some(u) = p.until()
            && u <= p.from()
        {
            return Err(PolicyError::new(
                file,
                format!("{key}[{i}].until"),
                format!("until {u} is not after from {}", p.from()),
            ));
        }
    }
    for (i, pair) in periods.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        let next = i + 1;
        let Some(a_until) = a.until() else {
            return Err(PolicyError::new(
                file,
                format!("{key}[{i}].until"),
                format!(
                    "only the last period may be open-ended; period {next} starts {}",
                    b.from()
                ),
            ));
        };
        if b.from() < a.from() {
            return Err(PolicyError::new(
                file,
                format!("{key}[{next}].from"),
                "periods must be in date order",
            ));
        }
        if b.from() > a_until {
            return Err(PolicyError::new(
                file,
                format!("{key}[{next}].from"),
                format!("gap: nothing in force from {a_until} until {}", b.from()),
            ));
        }
        if b.from() < a_until {
            return Err(PolicyError::new(
                file,
                format!("{key}[{next}].from"),
                format!(
                    "overlap: period {i} runs until {a_until}, period {next} starts {}",
                    b.from()
                ),
            ));
        }
    }
    Ok(())
}
