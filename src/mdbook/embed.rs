//! The HTML a chapter gets for `{{#tm-model ID}}`, `{{#tm-stride ID}}` and
//! `{{#tm-diagram ID}}`: built from the typed model, every user value
//! escaped, one HTML block without blank lines (a blank line would end
//! CommonMark's HTML block and turn the rest into Markdown).

use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::escape::escape_html;
use crate::model::{Model, StrideCategory, ThreatStatus};

/// A directive in a chapter; `\{{#tm-…}}` (escaped) is kept literally.
static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\\?)\{\{#tm-(model|stride|diagram)\s+([^{}\s]+)\s*\}\}").expect("valid regex")
});

/// A directive naming a model the project does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownModel {
    /// The id the directive named.
    pub id: String,
    /// The directive as written.
    pub directive: String,
}

/// Replaces every directive in `content` with its HTML; `find` gives the
/// model of an id. Unknown ids are returned (the text keeps the directive).
pub fn expand<'m>(
    content: &str,
    find: impl Fn(&str) -> Option<&'m Model>,
) -> (String, Vec<UnknownModel>) {
    let mut unknown = Vec::new();
    let out = DIRECTIVE.replace_all(content, |c: &Captures<'_>| {
        let whole = &c[0];
        if !c[1].is_empty() {
            return whole[1..].to_owned();
        }
        let id = &c[3];
        let Some(model) = find(id) else {
            unknown.push(UnknownModel {
                id: id.to_owned(),
                directive: whole.to_owned(),
            });
            return whole.to_owned();
        };
        let html = match &c[2] {
            "model" => model_html(model),
            "stride" => stride_html(model),
            _ => diagram_html(model),
        };
        format!("\n\n{}\n\n", without_blank_lines(&html))
    });
    (out.into_owned(), unknown)
}

/// The model's heading facts and its threats as a table.
pub fn model_html(m: &Model) -> String {
    let mut html = format!(
        "<div class=\"tm-embed tm-model\">\n<p><strong>{}</strong> <code>{}</code> · status: {} · risk: {}</p>\n",
        escape_html(&m.title),
        escape_html(m.id.as_str()),
        m.status,
        m.risk
    );
    if let Some(summary) = &m.summary {
        html.push_str(&format!("<p>{}</p>\n", escape_html(summary)));
    }
    html.push_str("<table>\n<thead><tr><th>Threat</th><th>STRIDE</th><th>Target</th><th>Severity</th><th>Status</th></tr></thead>\n<tbody>\n");
    for t in &m.threats {
        let stride: String = t.stride.0.iter().map(|c| c.letter()).collect();
        html.push_str(&format!(
            "<tr><td><code>{}</code> {}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
            escape_html(t.id.as_str()),
            escape_html(&t.title),
            stride,
            escape_html(t.target.as_str()),
            t.severity,
            t.status
        ));
    }
    if m.threats.is_empty() {
        html.push_str("<tr><td colspan=\"5\">No threats recorded.</td></tr>\n");
    }
    html.push_str("</tbody>\n</table>\n</div>");
    html
}

/// Threats per STRIDE category: how many, how many still open.
pub fn stride_html(m: &Model) -> String {
    let mut html = format!(
        "<div class=\"tm-embed tm-stride\">\n<table>\n<caption>STRIDE coverage of <code>{}</code></caption>\n<thead><tr><th>Category</th><th>Threats</th><th>Open</th></tr></thead>\n<tbody>\n",
        escape_html(m.id.as_str())
    );
    for category in StrideCategory::ALL {
        let of: Vec<_> = m
            .threats
            .iter()
            .filter(|t| t.stride.0.contains(category))
            .collect();
        let open = of.iter().filter(|t| t.status == ThreatStatus::Open).count();
        html.push_str(&format!(
            "<tr><td>{} ({})</td><td>{}</td><td>{}</td></tr>\n",
            category,
            category.letter(),
            of.len(),
            open
        ));
    }
    html.push_str("</tbody>\n</table>\n</div>");
    html
}

/// The data-flow diagram, tm's own SVG (its labels escaped by the drawer).
pub fn diagram_html(m: &Model) -> String {
    let svg = crate::render::diagram::render(m);
    if svg.is_empty() {
        return format!(
            "<div class=\"tm-embed tm-diagram\"><p>The model <code>{}</code> has no components to draw.</p></div>",
            escape_html(m.id.as_str())
        );
    }
    format!("<div class=\"tm-embed tm-diagram\">\n{svg}\n</div>")
}

fn without_blank_lines(html: &str) -> String {
    html.lines()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let yaml = r#"
tm: 1
id: pay
title: "Pay <b>API</b>"
status: draft
risk: high
components:
  - id: api
    name: API
    kind: service
threats:
  - id: t1
    target: api
    stride: [spoofing, tampering]
    title: "<script>alert(1)</script>"
    likelihood: low
    impact: low
    severity: high
    status: open
"#;
        serde_saphyr::from_str(yaml).expect("fixture model")
    }

    #[test]
    fn directives_expand_and_user_text_is_escaped() {
        let m = model();
        let (out, unknown) = expand("a\n{{#tm-model pay}}\nb", |id| (id == "pay").then_some(&m));
        assert!(unknown.is_empty());
        assert!(out.contains("Pay &lt;b&gt;API&lt;/b&gt;"), "{out}");
        assert!(!out.contains("<script>"), "{out}");
        assert!(out.contains("<td>ST</td>"), "{out}");
        let (stride, _) = expand("{{#tm-stride pay}}", |_| Some(&m));
        assert!(
            stride.contains("<tr><td>spoofing (S)</td><td>1</td><td>1</td></tr>"),
            "{stride}"
        );
        let (diagram, _) = expand("{{#tm-diagram pay}}", |_| Some(&m));
        assert!(diagram.contains("<svg"), "{diagram}");
        assert!(!diagram.contains("\n\n<svg") && !diagram.trim().contains("\n\n"));
    }

    #[test]
    fn unknown_ids_are_reported_and_escaped_directives_kept() {
        let (out, unknown) = expand("{{#tm-model nope}} \\{{#tm-model pay}}", |_| None);
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].id, "nope");
        assert!(out.ends_with(" {{#tm-model pay}}"), "{out}");
    }
}
