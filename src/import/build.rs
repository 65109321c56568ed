//! What every importer shares while it fills a model: the id allocator,
//! annotations of its origin, the report, and the one synthetic component
//! that threats without a target in the source are attached to.

use super::{Format, IdAllocator, ImportReport};
use crate::model::{
    Annotation, Categories, Component, ComponentKind, Id, Level, Model, ModelStatus, RiskLevel,
    StrideCategory,
};

/// Annotation key holding an element's id in the source when tm had to change it.
pub const ORIGINAL_ID: &str = "id";

/// The state of one import in progress.
#[derive(Debug)]
pub struct ModelBuilder {
    /// The source format (also the annotations' origin).
    pub format: Format,
    /// Ids handed out so far.
    pub ids: IdAllocator,
    /// The report being written.
    pub report: ImportReport,
    /// The model being filled.
    pub model: Model,
    system: Option<Id>,
}

impl ModelBuilder {
    /// An empty draft model titled `title`.
    pub fn new(format: Format, file: &str, title: &str) -> ModelBuilder {
        ModelBuilder {
            format,
            ids: IdAllocator::default(),
            report: ImportReport::new(format, file),
            model: Model {
                tm: crate::model::FORMAT_VERSION,
                id: Id("imported".into()),
                title: title.to_owned(),
                version: None,
                status: ModelStatus::Draft,
                risk: RiskLevel::Medium,
                owners: Vec::new(),
                summary: None,
                data: Vec::new(),
                zones: Vec::new(),
                components: Vec::new(),
                flows: Vec::new(),
                boundaries: Vec::new(),
                threats: Vec::new(),
                mitigations: Vec::new(),
                reviews: Vec::new(),
                questions: Vec::new(),
                annotations: Vec::new(),
            },
            system: None,
        }
    }

    /// An annotation of this import's origin.
    pub fn ann(&self, key: impl Into<String>, value: impl Into<String>) -> Annotation {
        Annotation {
            origin: self.format.as_str().to_owned(),
            key: key.into(),
            value: value.into(),
        }
    }

    /// A new id for foreign id `raw` (namespace `ns`), and the annotation
    /// that keeps `raw` when the id had to change.
    pub fn id(&mut self, ns: &str, raw: &str, fallback: &str) -> (Id, Option<Annotation>) {
        let id = self.ids.alloc(ns, raw, fallback);
        let kept = (id.0 != raw).then(|| self.ann(ORIGINAL_ID, raw));
        (id, kept)
    }

    /// The component that stands for "the system as a whole", created on
    /// first use, for threats the source does not attach to any element.
    pub fn system_component(&mut self) -> Id {
        if let Some(id) = &self.system {
            return id.clone();
        }
        let id = self.ids.alloc("component", "system", "system");
        let note = self.ann(
            "tm-import.synthetic",
            "component added by tm import for threats the source attaches to no element",
        );
        self.model.components.push(Component {
            id: id.clone(),
            name: format!("{} (whole system)", self.model.title),
            kind: ComponentKind::Service,
            zone: None,
            description: Some(
                "Added by `tm import`: the source names threats that target no single element."
                    .to_owned(),
            ),
            data: Vec::new(),
            code: None,
            not_applicable: Vec::new(),
            annotations: vec![note],
        });
        self.report.note(format!(
            "component `{id}` added for threats the source attaches to no element"
        ));
        self.system = Some(id.clone());
        id
    }

    /// A zone the source uses but never defines: created (zones are plain
    /// names in tm), and the place noted in the report.
    pub fn zone_or_create(
        &mut self,
        doc: &super::source::Document,
        node: &crate::load::Node,
        raw: &str,
    ) -> Id {
        if let Some(id) = self.ids.lookup("zone", raw) {
            return id.clone();
        }
        let id = self.ids.alloc("zone", raw, "zone");
        self.model.zones.push(id.clone());
        self.report.note(format!(
            "{}:{}:{}: trust zone `{}` is used but not defined; zone `{id}` created",
            doc.file,
            node.span.line,
            node.span.column,
            super::text::one_line(raw, 80)
        ));
        id
    }

    /// A reference the source makes to nothing it defines, where dropping
    /// the link loses no element: listed in the report with its position.
    pub fn dropped_link(
        &mut self,
        doc: &super::source::Document,
        node: &crate::load::Node,
        what: &str,
        raw: &str,
    ) {
        self.report.unmapped.push(format!(
            "{}:{}:{}: `{}` names no {what} defined in the file; the link was dropped",
            doc.file,
            node.span.line,
            node.span.column,
            super::text::one_line(raw, 80)
        ));
    }

    /// Whether the synthetic system component was created.
    pub fn has_system_component(&self) -> bool {
        self.system.is_some()
    }

    /// STRIDE categories: the source's, or a guess from the words (then the
    /// threat is marked drafted by the caller and the guess noted).
    pub fn stride(
        &mut self,
        named: Vec<StrideCategory>,
        words: &str,
        what: &str,
    ) -> (Categories, bool) {
        let mut cats = named;
        cats.sort();
        cats.dedup();
        if !cats.is_empty() {
            return (Categories(cats), false);
        }
        let guess = super::text::stride_guess(words).unwrap_or(StrideCategory::Tampering);
        self.report.note(format!(
            "{what}: no STRIDE category in the source; `{guess}` guessed from its words (drafted)"
        ));
        (Categories(vec![guess]), true)
    }

    /// A likelihood or impact the source left out: `medium`, noted.
    pub fn default_level(&mut self, what: &str, field: &str) -> Level {
        self.report.note(format!(
            "{what}: no {field} in the source; `medium` assumed"
        ));
        Level::Medium
    }
}
