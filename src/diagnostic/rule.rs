//! The catalogue of rules: every diagnostic tm emits has one, with a stable code.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How much a finding matters; `book.toml` can change it per rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Switched off: the finding is not reported.
    Off,
    /// Reported; does not fail `tm check`.
    Warning,
    /// Reported; `tm check` exits 1.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Off => "off",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Declares the rule table: variant, stable code, kebab name, default severity, summary.
macro_rules! rules {
    ($($variant:ident = $code:literal, $name:literal, $sev:ident, $summary:literal;)+) => {
        /// A rule tm enforces. Codes are stable: never renumber, only add.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $(#[doc = $summary] $variant),+ }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),+];

            /// The stable code, e.g. `TM101`.
            pub fn code(self) -> &'static str { match self { $(Rule::$variant => $code),+ } }

            /// The kebab-case name, usable in `book.toml` instead of the code.
            pub fn name(self) -> &'static str { match self { $(Rule::$variant => $name),+ } }

            /// The severity when `book.toml` says nothing.
            pub fn default_severity(self) -> Severity { match self { $(Rule::$variant => Severity::$sev),+ } }

            /// One line on what the rule checks.
            pub fn summary(self) -> &'static str { match self { $(Rule::$variant => $summary),+ } }
        }
    };
}

rules! {
    // TM0xx: the file itself and its structure.
    YamlSyntax = "TM001", "yaml-syntax", Error, "The file is not well-formed YAML.";
    FileShape = "TM002", "file-shape", Error, "The file is empty, too large, too deep, or not a mapping.";
    FormatVersion = "TM003", "format-version", Error, "The `tm:` format version is missing or not supported.";
    SkippedFile = "TM004", "skipped-file", Warning, "A file tm did not read: a model file that is a symbolic link, or a link under the source roots that leads outside the project.";
    NoModels = "TM005", "no-models", Warning, "The models directory holds no model file.";
    UnknownKey = "TM010", "unknown-key", Error, "A key the format does not define (often a misspelling).";
    MissingKey = "TM011", "missing-key", Error, "A required key is absent.";
    WrongType = "TM012", "wrong-type", Error, "A value has the wrong type (e.g. a list where text is expected).";
    InvalidValue = "TM013", "invalid-value", Error, "A value is not one of the allowed values or not in the allowed form.";
    // TM1xx: ids and references.
    DuplicateId = "TM101", "duplicate-id", Error, "Two elements of a model, or two models, share an id.";
    DanglingReference = "TM102", "dangling-reference", Error, "A reference names an id that does not exist or is of the wrong kind.";
    UnreferencedMitigation = "TM103", "unreferenced-mitigation", Warning, "A mitigation that no threat references.";
    // TM2xx: STRIDE coverage.
    StrideCoverage = "TM201", "stride-coverage", Error, "A component or boundary-crossing flow lacks a threat or a not-applicable note for a STRIDE category.";
    MissingReason = "TM202", "missing-reason", Error, "A not-applicable threat or note gives no reason.";
    // TM3xx: human decisions.
    MissingAcceptance = "TM301", "missing-acceptance", Error, "An accepted threat has no recorded acceptance (by, at, rationale).";
    ExpiredAcceptance = "TM302", "expired-acceptance", Error, "A risk acceptance has passed its expiry date.";
    MissingSignoff = "TM303", "missing-signoff", Error, "An implemented or verified mitigation has no security sign-off.";
    MissingReview = "TM304", "missing-review", Error, "An approved model lacks a review kind that book.toml requires.";
    OpenThreatInApproved = "TM305", "open-threat-in-approved", Error, "An approved model still has an open threat at or above the configured severity.";
    ExpiringAcceptance = "TM306", "expiring-acceptance", Warning, "A risk acceptance expires soon.";
    MitigatedWithoutControl = "TM307", "mitigated-without-control", Error, "A mitigated threat with no mitigation in place (all proposed, accepted or in progress) and no `current` control.";
    AcceptanceTerm = "TM308", "acceptance-term", Error, "A risk acceptance without `expires`, or longer than `max-acceptance-days`.";
    ChangedSinceReview = "TM309", "changed-since-review", Warning, "An approved model changed since the commit its last approved review names.";
    // TM4xx: drafts.
    DraftModel = "TM401", "draft-model", Warning, "The model is still a draft (an error under --deny-drafts).";
    DraftedThreat = "TM402", "drafted-threat", Warning, "A threat is still marked as drafted (an error under --deny-drafts).";
    OpenQuestion = "TM403", "open-question", Warning, "A question about the model has no answer yet (an error under --deny-drafts).";
    DraftedMitigation = "TM404", "drafted-mitigation", Warning, "A mitigation is still marked as drafted (an error under --deny-drafts).";
    QuestionCode = "TM405", "question-code", Error, "A question's `code` is not `path:line` of a file under the source roots.";
    QuestionCodeMoved = "TM406", "question-code-moved", Warning, "A question's `code` line is past the end of its file: the code has moved.";
    UnrecordedAnswer = "TM407", "unrecorded-answer", Error, "An answer without `answered-by` and `answered-at`, or who/when without an answer.";
    FutureAnswer = "TM408", "future-answer", Error, "A question's `answered-at` is after today.";
    // TM5xx: the code cross-check.
    CodePathUnmatched = "TM501", "code-path-unmatched", Error, "A `code.paths` glob matches no file under the source roots.";
    CodeSymbolUnresolved = "TM502", "code-symbol-unresolved", Error, "A `code.symbols` path names no Rust module or item.";
    UnmodelledEntryPoint = "TM503", "unmodelled-entry-point", Warning, "Code that takes outside input (route, main, listener…) is covered by no component.";
    RustParse = "TM504", "rust-parse", Warning, "A Rust file could not be parsed; it is left out of the cross-check.";
    CodePathInvalid = "TM505", "code-path-invalid", Error, "A code path or allow-unmodelled entry is not a valid glob or leaves the repository.";
    // TM6xx: the data-flow diagram.
    UndeclaredBoundary = "TM601", "undeclared-boundary", Error, "A flow between two trust zones that no declared boundary separates.";
    SelfFlow = "TM602", "self-flow", Error, "A flow from a component to itself.";
    UnprotectedSensitiveFlow = "TM603", "unprotected-sensitive-flow", Error, "Confidential or restricted data crosses a boundary with `encrypted: false` and no information-disclosure threat on the flow.";
}

impl Rule {
    /// Finds a rule by code (`TM101`, any case) or by name (`duplicate-id`).
    pub fn lookup(key: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(key) || r.name() == key)
    }

    /// Whether `book.toml` may change this rule's severity. Structural rules may
    /// not: a file tm cannot read cannot be checked further.
    pub fn is_configurable(self) -> bool {
        !matches!(
            self,
            Rule::YamlSyntax
                | Rule::FileShape
                | Rule::FormatVersion
                | Rule::UnknownKey
                | Rule::MissingKey
                | Rule::WrongType
                | Rule::InvalidValue
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_and_names_are_unique_and_found() {
        let codes: BTreeSet<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        let names: BTreeSet<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(codes.len(), Rule::ALL.len());
        assert_eq!(names.len(), Rule::ALL.len());
        assert_eq!(Rule::lookup("tm101"), Some(Rule::DuplicateId));
        assert_eq!(Rule::lookup("stride-coverage"), Some(Rule::StrideCoverage));
        assert_eq!(Rule::lookup("nope"), None);
    }
}
