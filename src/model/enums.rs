//! The closed vocabularies of the format: every enum a model value can take.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Declares a kebab-case string enum with its list of spellings, so that
/// diagnostics, the schema and the site all share one source of truth.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        // Each variant is documented by its YAML spelling (`as_str`); a doc
        // comment per variant would turn the schema's `enum` list into a
        // `oneOf` of described constants, which editors complete less well.
        #[allow(missing_docs)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order (which is also severity/progress order).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in YAML and in output.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// Where a model is in its review life cycle.
    ModelStatus { Draft = "draft", InReview = "in-review", Approved = "approved", Retired = "retired" }
}

vocabulary! {
    /// How deep the analysis of a model must go.
    RiskLevel { Low = "low", Medium = "medium", High = "high", Critical = "critical" }
}

vocabulary! {
    /// How sensitive a data asset is.
    Classification { Public = "public", Internal = "internal", Confidential = "confidential", Restricted = "restricted" }
}

vocabulary! {
    /// What sort of element a component is; drives its shape in the diagram.
    ComponentKind {
        Client = "client", Service = "service", Datastore = "datastore", Queue = "queue",
        External = "external", Function = "function", Human = "human",
    }
}

vocabulary! {
    /// The six STRIDE threat categories.
    StrideCategory {
        Spoofing = "spoofing", Tampering = "tampering", Repudiation = "repudiation",
        InformationDisclosure = "information-disclosure", DenialOfService = "denial-of-service",
        ElevationOfPrivilege = "elevation-of-privilege",
    }
}

impl StrideCategory {
    /// The one-letter abbreviation used in matrix headers (S, T, R, I, D, E).
    pub fn letter(self) -> char {
        match self {
            StrideCategory::Spoofing => 'S',
            StrideCategory::Tampering => 'T',
            StrideCategory::Repudiation => 'R',
            StrideCategory::InformationDisclosure => 'I',
            StrideCategory::DenialOfService => 'D',
            StrideCategory::ElevationOfPrivilege => 'E',
        }
    }
}

vocabulary! {
    /// A three-step scale for likelihood, impact, residual risk and operational cost.
    Level { Low = "low", Medium = "medium", High = "high" }
}

vocabulary! {
    /// The human severity classification of a threat.
    Severity { Low = "low", Medium = "medium", High = "high", Critical = "critical" }
}

vocabulary! {
    /// Where a threat stands.
    ThreatStatus {
        Open = "open", Mitigated = "mitigated", Accepted = "accepted",
        Transferred = "transferred", NotApplicable = "not-applicable",
    }
}

vocabulary! {
    /// Where a mitigation stands, from idea to verified control.
    MitigationStatus {
        Proposed = "proposed", Accepted = "accepted", InProgress = "in-progress",
        Implemented = "implemented", Verified = "verified", Rejected = "rejected",
    }
}

impl MitigationStatus {
    /// Whether the control is claimed to be in place (and so needs a security sign-off).
    pub fn claims_done(self) -> bool {
        matches!(
            self,
            MitigationStatus::Implemented | MitigationStatus::Verified
        )
    }
}

vocabulary! {
    /// T-shirt size of the effort a mitigation costs.
    Effort { XS = "XS", S = "S", M = "M", L = "L", XL = "XL" }
}

vocabulary! {
    /// The reviewer loop: who looked at the model.
    ReviewKind { Security = "security", Architecture = "architecture", Stakeholder = "stakeholder" }
}

vocabulary! {
    /// What a review concluded.
    ReviewOutcome { Approved = "approved", ChangesRequested = "changes-requested" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip_through_serde() {
        for c in StrideCategory::ALL {
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            let back: StrideCategory = serde_json::from_str(&json).unwrap();
            assert_eq!(back, *c);
        }
        assert_eq!(StrideCategory::InformationDisclosure.letter(), 'I');
    }

    #[test]
    fn order_follows_declaration() {
        assert!(Severity::Critical > Severity::High);
        assert!(MitigationStatus::Verified > MitigationStatus::Implemented);
        assert!(MitigationStatus::Implemented.claims_done());
        assert!(!MitigationStatus::InProgress.claims_done());
    }
}
