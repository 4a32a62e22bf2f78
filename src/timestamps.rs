//! Timestamps in API answers: stored as UTC without an offset (`NaiveDateTime`), written as RFC
//! 3339 with `Z` (`2026-12-04T13:40:18.857848452Z`), so a client that trusts the OpenAPI
//! `date-time` format never reads them as local time (issue 15, item 13).

use chrono::NaiveDateTime;
use serde::Serializer;

/// Serialises a stored UTC timestamp with its `Z`.
pub fn utc<S: Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(
        &at.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
    )
}

/// [`utc`] for an optional timestamp.
pub fn utc_opt<S: Serializer>(at: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => utc(at, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn written_with_z() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
            .and_then(|d| d.and_hms_nano_opt(13, 40, 18, 857_848_452));
        let Some(at) = at else { return };
        #[derive(serde::Serialize)]
        struct T {
            #[serde(serialize_with = "super::utc")]
            at: chrono::NaiveDateTime,
            #[serde(serialize_with = "super::utc_opt")]
            none: Option<chrono::NaiveDateTime>,
        }
        let json = serde_json::to_string(&T { at, none: None }).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"at":"2026-12-04T13:40:18.857848452Z","none":null}"#
        );
    }
}
