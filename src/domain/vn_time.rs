//! Vietnam time in one place. Vietnam keeps UTC+7 all year (no daylight saving). Stored
//! timestamps are UTC; the days that payments, deadlines, flags and reports count in are
//! Vietnamese calendar days, and people read times on the Vietnamese clock.

use chrono::{Duration, NaiveDate, NaiveDateTime};

/// Vietnam's offset from UTC, in hours.
pub const OFFSET_HOURS: i64 = 7;

fn offset() -> Duration {
    Duration::hours(OFFSET_HOURS)
}

/// A stored (UTC) timestamp on the Vietnamese clock.
pub fn local(at_utc: NaiveDateTime) -> NaiveDateTime {
    at_utc + offset()
}

/// The Vietnamese calendar day of a stored (UTC) timestamp.
pub fn day(at_utc: NaiveDateTime) -> NaiveDate {
    local(at_utc).date()
}

/// Midnight starting day `d` in Vietnam, as a stored (UTC) timestamp.
pub fn start_of_day_utc(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t - offset())
        .unwrap_or_default()
}

/// The end of day `d` in Vietnam as a stored (UTC) timestamp: midnight starting `d + 1`.
pub fn end_of_day_utc(d: NaiveDate) -> NaiveDateTime {
    start_of_day_utc(d + Duration::days(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_of_day_in_vietnam() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        assert_eq!(end_of_day_utc(d).to_string(), "2025-07-01 17:00:00");
    }

    #[test]
    fn a_utc_evening_is_the_next_day_in_vietnam() {
        let at = NaiveDate::from_ymd_opt(2025, 7, 1)
            .unwrap()
            .and_hms_opt(17, 0, 0)
            .unwrap();
        assert_eq!(day(at), NaiveDate::from_ymd_opt(2025, 7, 2).unwrap());
        assert_eq!(start_of_day_utc(day(at)), at);
        assert_eq!(local(at).to_string(), "2025-07-02 00:00:00");
    }
}
