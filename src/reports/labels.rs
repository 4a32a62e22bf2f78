//! Vietnamese words for the stored codes of scheme, band and leave window.

/// Scheme code → Vietnamese (unknown codes as stored).
pub fn scheme_vi(code: &str) -> &str {
    match code {
        "early_retirement" => "Nghỉ hưu trước tuổi",
        "quit" => "Thôi việc",
        "part_time_leave" => "Nghỉ việc (không chuyên trách)",
        other => other,
    }
}

/// Band code → Vietnamese.
pub fn band_vi(code: &str) -> &str {
    match code {
        "lt_2y" => "Dưới 2 năm",
        "2_5y" => "Từ 2 đến 5 năm",
        "5_10y" => "Trên 5 đến 10 năm",
        "quit" => "Thôi việc",
        "part_time" => "Không chuyên trách",
        "at_retirement_age" => "Đã đủ tuổi",
        other => other,
    }
}

/// Leave window code → Vietnamese.
pub fn window_vi(code: &str) -> &str {
    match code {
        "first_12_months" => "12 tháng đầu",
        "from_13th_month" => "Từ tháng 13",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::{Band, Scheme};

    #[test]
    fn every_code_has_words() {
        for s in [Scheme::EarlyRetirement, Scheme::Quit, Scheme::PartTimeLeave] {
            assert_ne!(scheme_vi(s.as_str()), s.as_str());
        }
        for b in [
            Band::Lt2y,
            Band::B2to5y,
            Band::B5to10y,
            Band::Quit,
            Band::PartTime,
            Band::AtRetirementAge,
        ] {
            assert_ne!(band_vi(b.code()), b.code());
        }
        assert_ne!(window_vi("first_12_months"), "first_12_months");
        assert_ne!(window_vi("from_13th_month"), "from_13th_month");
    }
}
