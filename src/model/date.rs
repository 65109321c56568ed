//! Calendar dates as written in models (`2026-11-01`).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::macros::format_description;

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

    fn from_str(s: &str) -> Result<Date, String> {
        let fmt = format_description!("[year]-[month]-[day]");
        time::Date::parse(s.trim(), fmt).map(Date).map_err(|_| {
            format!("`{s}` is not a calendar date; write it as YYYY-MM-DD, e.g. 2026-11-01")
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
    }
}
