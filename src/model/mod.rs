//! The threat-model file format: the serde types of one model and nothing else.
//!
//! Every struct denies unknown keys so a misspelt key is an error, and the JSON
//! Schema that `tm schema` prints is derived from these same types.

mod date;
mod enums;
mod id;

pub use date::{DATE_PATTERN, Date};
pub use enums::*;
pub use id::{ENDPOINT_PATTERN, EndpointRef, ID_PATTERN, Id};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The format version this build of tm reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// One threat model: a system, its architecture, its threats and their controls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "tm threat model")]
pub struct Model {
    /// Format version of this file; this build of tm reads version 1.
    pub tm: u32,
    /// Unique id of the model in the project; also the page name in the site.
    pub id: Id,
    /// Human title of the system being modelled.
    pub title: String,
    /// Revision of the model, bumped on each reviewed revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// Where the model is in its review life cycle.
    pub status: ModelStatus,
    /// How deep the analysis must go: high and critical require full STRIDE coverage.
    pub risk: RiskLevel,
    /// Teams or people who own the model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
    /// Markdown: why the system exists, what is in and out of scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Data assets and their classification.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<DataAsset>,
    /// Trust zones; a boundary separates two of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<Id>,
    /// The parts of the system.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// Data flows between components.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<Flow>,
    /// Trust boundaries between zones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boundaries: Vec<TrustBoundary>,
    /// Threats against components, flows and boundaries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threats: Vec<Threat>,
    /// Controls that address threats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<Mitigation>,
    /// The reviewer loop: security, architecture and stakeholder reviews.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
    /// Questions only the developer can answer (validation, authorisation,
    /// intent), raised by `tm draft` from the code or by a reviewer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Question>,
    /// Values from another tool's file that tm's format cannot express, kept
    /// by `tm import` so nothing is lost and written back by `tm export`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
}

/// A data asset the system handles, with its classification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DataAsset {
    /// Unique id within the model.
    pub id: Id,
    /// Human name of the asset.
    pub name: String,
    /// How sensitive the data is.
    pub classification: Classification,
    /// Markdown description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Values from another tool's file that tm's format cannot express, kept
    /// by `tm import` so nothing is lost and written back by `tm export`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
}

/// A part of the system: a service, a datastore, a client, a person…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Component {
    /// Unique id within the model.
    pub id: Id,
    /// Human name.
    pub name: String,
    /// What sort of element it is.
    pub kind: ComponentKind,
    /// The trust zone it runs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<Id>,
    /// Markdown description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Data assets it stores or processes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<Id>,
    /// The source code it covers, cross-checked against the tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeRef>,
    /// STRIDE categories that do not apply to this component, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_applicable: Vec<NotApplicable>,
    /// Values from another tool's file that tm's format cannot express, kept
    /// by `tm import` so nothing is lost and written back by `tm export`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
}

/// Code that a component covers or where a mitigation is implemented.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CodeRef {
    /// Globs relative to the repository root (`src/payments/**`); each must match a file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// Rust paths (`crate::payments::charge`, `my_crate::Type::method`); each must resolve.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub symbols: Vec<String>,
}

/// An explicit "this STRIDE category does not apply here, because …".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NotApplicable {
    /// The category (or categories) that do not apply.
    pub stride: Categories,
    /// Why not; shown in the coverage matrix.
    pub reason: String,
}

/// A data flow from one component to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Flow {
    /// Unique id within the model.
    pub id: Id,
    /// Human name; defaults to the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The component the data leaves.
    pub from: EndpointRef,
    /// The component the data reaches.
    pub to: EndpointRef,
    /// Data assets carried.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<Id>,
    /// Transport or protocol, e.g. HTTPS, gRPC, AMQP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Whether the receiving side authenticates the sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticated: Option<bool>,
    /// Whether the flow is encrypted in transit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
    /// Markdown description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// STRIDE categories that do not apply to this flow, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_applicable: Vec<NotApplicable>,
    /// Values from another tool's file that tm's format cannot express, kept
    /// by `tm import` so nothing is lost and written back by `tm export`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
}

/// A trust boundary: the line between two trust zones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TrustBoundary {
    /// Unique id within the model.
    pub id: Id,
    /// Human name; defaults to the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The two zones it separates.
    #[schemars(length(min = 2, max = 2))]
    pub between: Vec<Id>,
    /// Markdown description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Values from another tool's file that tm's format cannot express, kept
    /// by `tm import` so nothing is lost and written back by `tm export`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
}

/// One or more STRIDE categories: `spoofing` or `[spoofing, tampering]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
#[schemars(transparent)]
pub struct Categories(#[schemars(with = "OneOrMany<StrideCategory>")] pub Vec<StrideCategory>);

/// Schema shape of "one value or a non-empty list of values".
#[derive(JsonSchema, Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema and its Deserialize are used
enum OneOrMany<T> {
    One(T),
    Many(#[schemars(length(min = 1))] Vec<T>),
}

impl<'de> Deserialize<'de> for Categories {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Categories, D::Error> {
        Ok(Categories(match OneOrMany::deserialize(d)? {
            OneOrMany::One(c) => vec![c],
            OneOrMany::Many(cs) => cs,
        }))
    }
}

/// A threat against one component, flow or boundary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Threat {
    /// Unique id within the model, e.g. `PAY-S-1`; also its permalink anchor.
    pub id: Id,
    /// The component, flow or boundary under threat.
    pub target: Id,
    /// STRIDE category or categories.
    pub stride: Categories,
    /// One-line statement of the threat.
    pub title: String,
    /// Markdown description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How likely the threat is to be realised.
    pub likelihood: Level,
    /// How bad it would be.
    pub impact: Level,
    /// Human severity classification.
    pub severity: Severity,
    /// Where the threat stands.
    pub status: ThreatStatus,
    /// The control in place today, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// Ids of the mitigations proposed or applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<Id>,
    /// The recorded risk acceptance; required when status is `accepted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<Acceptance>,
    /// Markdown: why a `not-applicable` threat does not apply, or to whom it was transferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// True while the threat is a first draft (from `tm draft` or an assistant) nobody reviewed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drafted: bool,
    /// The threat-library entry it was drafted from (`tm draft`), e.g. `TL-S-001`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    /// Values from another tool's file that tm's format cannot express, kept
    /// by `tm import` so nothing is lost and written back by `tm export`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
}

/// A recorded, human decision to accept a residual risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Acceptance {
    /// Who accepted the risk.
    pub by: String,
    /// When.
    pub at: Date,
    /// When the acceptance lapses and must be renewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    /// Markdown: why the risk is acceptable.
    pub rationale: String,
}

/// A control that addresses one or more threats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Mitigation {
    /// Unique id within the model.
    pub id: Id,
    /// The control, in one line.
    pub control: String,
    /// Markdown description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The component where the control sits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Id>,
    /// What the control costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
    /// Residual risk once the control is in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual: Option<Level>,
    /// Where the control stands.
    pub status: MitigationStatus,
    /// Issue-tracker reference, e.g. `PAY-123`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<String>,
    /// Security sign-off; required once the status is `implemented` or `verified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signoff: Option<Signoff>,
    /// Code where the control is implemented (evidence), cross-checked like a component's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeRef>,
    /// True while the mitigation is a first draft (from `tm draft` or an assistant) nobody reviewed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drafted: bool,
    /// The threat-library entry it was drafted from (`tm draft`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    /// Values from another tool's file that tm's format cannot express, kept
    /// by `tm import` so nothing is lost and written back by `tm export`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
}

/// The cost of a mitigation: effort, latency and operational burden.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Cost {
    /// T-shirt size of the work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<Effort>,
    /// Added latency, e.g. `+2 ms p99`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<String>,
    /// Operational burden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ops: Option<Level>,
}

/// A person's recorded approval, with the date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Signoff {
    /// Who signed off.
    pub by: String,
    /// When.
    pub at: Date,
}

/// One pass of the reviewer loop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Review {
    /// Which review this was.
    pub kind: ReviewKind,
    /// Who reviewed.
    pub by: String,
    /// When.
    pub at: Date,
    /// The code revision reviewed; drives drift detection in the review queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// What the review concluded.
    pub outcome: ReviewOutcome,
    /// Markdown notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A question only the developer can answer, tied to an element and,
/// when the code raised it, to a code line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Question {
    /// Unique id within the model, e.g. `Q-1`.
    pub id: Id,
    /// The component, flow or boundary it is about.
    pub about: Id,
    /// The question, in words.
    pub text: String,
    /// Where in the code it arose: `src/files.rs:88`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The answer; a question without one is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// Who answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
    /// When it was answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<Date>,
    /// True while the question is a draft (from `tm draft` or an assistant).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drafted: bool,
    /// The threat-library entry or code fact that raised it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
}

/// One value from another tool's file that tm's format has no key for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Annotation {
    /// The format it came from: `otm`, `threagile`, `tm-bom`, `threat-composer`.
    pub origin: String,
    /// The key in that format, as a dotted path (`tags`, `technical_asset.machine`).
    pub key: String,
    /// The value, as text (JSON for structured values).
    pub value: String,
}

impl Model {
    /// The latest review of the given kind, if any.
    pub fn last_review(&self, kind: Option<ReviewKind>) -> Option<&Review> {
        self.reviews
            .iter()
            .filter(|r| kind.is_none_or(|k| r.kind == k))
            .max_by_key(|r| r.at)
    }
}
