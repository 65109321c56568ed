//! Small text conversions the importers share: one-line labels, STRIDE
//! names, and foreign scales mapped onto tm's.

use crate::model::{Classification, Level, Severity, StrideCategory};

/// `text` on one line, control characters dropped, at most `max` characters.
pub fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !crate::terminal::is_unsafe(*c))
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

/// A STRIDE category from its name, letter or a common spelling
/// (`Spoofing`, `S`, `Information Disclosure`, `DoS`, `elevation_of_privilege`).
pub fn stride_named(name: &str) -> Option<StrideCategory> {
    let n: String = name
        .trim()
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    Some(match n.as_str() {
        "s" | "spoofing" | "spoof" => StrideCategory::Spoofing,
        "t" | "tampering" | "tamper" => StrideCategory::Tampering,
        "r" | "repudiation" => StrideCategory::Repudiation,
        "i" | "informationdisclosure" | "disclosure" | "infodisclosure" => {
            StrideCategory::InformationDisclosure
        }
        "d" | "denialofservice" | "dos" => StrideCategory::DenialOfService,
        "e" | "elevationofprivilege" | "elevationofprivileges" | "privilegeescalation" => {
            StrideCategory::ElevationOfPrivilege
        }
        _ => return None,
    })
}

/// The STRIDE category a threat's words suggest; `None` when nothing matches.
pub fn stride_guess(words: &str) -> Option<StrideCategory> {
    let w = words.to_ascii_lowercase();
    let table: [(&[&str], StrideCategory); 6] = [
        (
            &[
                "privilege",
                "escalat",
                "authoriz",
                "authoris",
                "bypass",
                "root access",
            ],
            StrideCategory::ElevationOfPrivilege,
        ),
        (
            &[
                "denial",
                "dos",
                "exhaust",
                "availability",
                "flood",
                "unbounded",
                "outage",
            ],
            StrideCategory::DenialOfService,
        ),
        (
            &[
                "disclos",
                "leak",
                "expos",
                "confidential",
                "steal",
                "exfiltrat",
                "sniff",
                "eavesdrop",
            ],
            StrideCategory::InformationDisclosure,
        ),
        (
            &[
                "repudiat",
                "audit",
                "logging",
                "non-repudiation",
                "deny having",
            ],
            StrideCategory::Repudiation,
        ),
        (
            &[
                "spoof",
                "impersonat",
                "authenticat",
                "credential",
                "phishing",
                "identity",
            ],
            StrideCategory::Spoofing,
        ),
        (
            &[
                "tamper",
                "inject",
                "modif",
                "integrity",
                "poison",
                "forg",
                "manipulat",
            ],
            StrideCategory::Tampering,
        ),
    ];
    table
        .iter()
        .find(|(keys, _)| keys.iter().any(|k| w.contains(k)))
        .map(|(_, c)| *c)
}

/// The component kind a technology or type name suggests.
pub fn kind_hint(ty: &str) -> crate::model::ComponentKind {
    super::otm::kind_of_type(ty)
}

/// A 0–100 score (OTM's likelihood, impact) as a three-step level.
pub fn level_of_percent(score: f64) -> Level {
    if score >= 67.0 {
        Level::High
    } else if score >= 34.0 {
        Level::Medium
    } else {
        Level::Low
    }
}

/// The severity that likelihood and impact suggest (impact weighs more).
pub fn severity_of(likelihood: Level, impact: Level) -> Severity {
    match (likelihood, impact) {
        (Level::High, Level::High) => Severity::Critical,
        (_, Level::High) | (Level::High, Level::Medium) => Severity::High,
        (Level::Low, Level::Low) => Severity::Low,
        _ => Severity::Medium,
    }
}

/// A 0–100 confidentiality score as a classification.
pub fn classification_of_percent(score: f64) -> Classification {
    if score >= 75.0 {
        Classification::Restricted
    } else if score >= 50.0 {
        Classification::Confidential
    } else if score >= 25.0 {
        Classification::Internal
    } else {
        Classification::Public
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stride_names_in_every_spelling() {
        assert_eq!(
            stride_named("Information Disclosure"),
            Some(StrideCategory::InformationDisclosure)
        );
        assert_eq!(
            stride_named("E"),
            Some(StrideCategory::ElevationOfPrivilege)
        );
        assert_eq!(
            stride_named("denial_of_service"),
            Some(StrideCategory::DenialOfService)
        );
        assert_eq!(stride_named("LINDDUN"), None);
    }

    #[test]
    fn guesses_from_words() {
        assert_eq!(
            stride_guess("SQL injection in search"),
            Some(StrideCategory::Tampering)
        );
        assert_eq!(
            stride_guess("Attacker can steal the session cookie"),
            Some(StrideCategory::InformationDisclosure)
        );
        assert_eq!(stride_guess("nothing here"), None);
    }

    #[test]
    fn scales() {
        assert_eq!(level_of_percent(50.0), Level::Medium);
        assert_eq!(level_of_percent(100.0), Level::High);
        assert_eq!(severity_of(Level::High, Level::High), Severity::Critical);
        assert_eq!(classification_of_percent(100.0), Classification::Restricted);
        assert_eq!(one_line("a\n b\u{1b}c", 10), "a bc");
    }
}
