//! Calendar dates as written in models (`2026-11-01`).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day (no time, no zone): review dates, sign-offs, expiries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

/// The pattern the schema publishes for dates; the loader checks the same.
pub const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}$";

impl Date {
    /// Builds a date from its parts; `None` when it is not a real calendar day.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Date> {
        let month = time::Month::try_from(month).ok()?;
        time::Date::from_calendar_date(year, month, day)
            .ok()
            .map(Date)
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        (later.0 - self.0).whole_days()
    }

    /// The date `days` days after this one.
    pub fn plus_days(self, days: i64) -> Date {
        Date(self.0.saturating_add(time::Duration::days(days)))
    }

    /// Today's date in UTC, from the system clock (only the CLI calls this;
    /// the library always takes "today" as an argument so output is reproducible).
    pub fn today_utc() -> Date {
        Date(time::OffsetDateTime::now_utc().date())
    }
}

impl FromStr for Date {
    type Err = String;

    /// Exactly `YYYY-MM-DD` (ISO 8601's calendar date, four-digit year, no
    /// sign, no spaces, no time) naming a real day: `2026-1-1`,
    /// `2026-02-30` and `2026-11-01T00:00` are refused.
    fn from_str(s: &str) -> Result<Date, String> {
        let shown: String = s
            .chars()
            .take(40)
            .collect::<String>()
            .escape_debug()
            .collect();
        let b = s.as_bytes();
        let digits_at = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !digits_at(0..4)
            || !digits_at(5..7)
            || !digits_at(8..10)
        {
            return Err(format!(
                "`{shown}` is not a date in the form YYYY-MM-DD (four-digit year, two-digit month and day), e.g. 2026-11-01"
            ));
        }
        let number = |r: std::ops::Range<usize>| s[r].parse::<u16>().unwrap_or(0);
        let (year, month, day) = (number(0..4), number(5..7), number(8..10));
        if !(1..=12).contains(&month) {
            return Err(format!(
                "`{shown}` is not a calendar date: there is no month {month}; write YYYY-MM-DD"
            ));
        }
        Date::from_ymd(i32::from(year), month as u8, day as u8).ok_or_else(|| {
            format!(
                "`{shown}` is not a calendar date: that month has no day {day}; write YYYY-MM-DD"
            )
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = (self.0.year(), u8::from(self.0.month()), self.0.day());
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            "description": "A calendar date, YYYY-MM-DD."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_iso_dates() {
        let d: Date = "2026-02-28".parse().unwrap();
        assert_eq!(d.to_string(), "2026-02-28");
        assert_eq!(d.plus_days(1).to_string(), "2026-03-01");
        assert_eq!(d.days_until("2026-03-10".parse().unwrap()), 10);
    }

    #[test]
    fn rejects_impossible_dates_with_a_hint() {
        let err = "2026-02-30".parse::<Date>().unwrap_err();
        assert!(err.contains("YYYY-MM-DD"), "{err}");
        assert!("yesterday".parse::<Date>().is_err());
        for bad in [
            "2026-1-1",
            "2026-01-1",
            "26-01-01",
            "+2026-01-01",
            "02026-01-01",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2025-02-29",
            "2026-01-01x",
            " 2026-01-01",
            "2026-01-01 ",
            "2026-01-01T00:00",
            "2026/01/01",
            "２０２６-01-01",
            "",
        ] {
            let err = bad.parse::<Date>().unwrap_err();
            assert!(err.contains("YYYY-MM-DD"), "{bad:?}: {err}");
        }
        assert_eq!(
            "2024-02-29".parse::<Date>().unwrap().to_string(),
            "2024-02-29"
        );
        assert_eq!(
            "0001-01-01".parse::<Date>().unwrap().to_string(),
            "0001-01-01"
        );
        let err = "2026-02-30".parse::<Date>().unwrap_err();
        assert!(err.contains("no day 30"), "{err}");
        // What a terminal would interpret is shown escaped.
        let err = "\u{1b}[31m".parse::<Date>().unwrap_err();
        assert!(!err.contains('\u{1b}'), "{err:?}");
    }
}
