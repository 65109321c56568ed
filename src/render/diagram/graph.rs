//! What the diagram shows: one box per component (plus a stub box for each
//! component of another model that a flow reaches) and one edge per flow,
//! with each box's text already wrapped and measured.

use super::crosses_boundary;
use super::text::{self, NAME_PX, SMALL_PX};
use crate::model::{Flow, Model, Severity, ThreatStatus};
use crate::render::context::element_anchor;

/// Horizontal padding inside a box, each side.
const BOX_PAD: f64 = 14.0;
/// The narrowest box, so short names still look like boxes.
const MIN_BOX_W: f64 = 96.0;
/// Height of a box with a one-line name; each further line adds [`LINE_H`].
const BOX_H: f64 = 48.0;
/// Line height of a name.
pub(super) const LINE_H: f64 = 16.0;

/// A box: a component of this model, or one of another model (`model/component`).
pub(super) struct Node<'a> {
    /// The component id, or the `model/component` endpoint for a stub.
    pub key: &'a str,
    /// The full name (tooltip).
    pub name: &'a str,
    /// The component kind (`other-model` for a stub), which picks the shape.
    pub kind: &'static str,
    /// The small second line: the kind, or the other model's id.
    pub caption: String,
    /// The name wrapped onto at most two lines.
    pub lines: Vec<String>,
    /// The trust zone, `None` for unzoned components and stubs.
    pub zone: Option<&'a str>,
    /// Where the box links to.
    pub href: String,
    /// Width of the box, from its text.
    pub w: f64,
    /// Height of the box (a layer is as tall as its tallest box).
    pub h: f64,
    /// The component's open threats, drawn as a badge in the box.
    pub badge: Option<Badge>,
}

/// A component's open threats: how many, the highest severity among them,
/// and the anchor of the first threat of that severity on the model page.
pub(super) struct Badge {
    pub open: usize,
    pub severity: Severity,
    pub anchor: String,
}

/// Room a badge takes at the bottom of its box.
pub(super) const BADGE_H: f64 = 16.0;

/// A flow between two boxes (both ends may be the same box).
pub(super) struct Edge<'a> {
    pub from: usize,
    pub to: usize,
    pub flow: &'a Flow,
    /// Whether the flow crosses a trust boundary (the checker's answer).
    pub crossing: bool,
    /// The names of the declared boundaries between the flow's two zones.
    pub boundaries: Vec<&'a str>,
    /// The text drawn on the edge (name, else protocol, else id), and the full
    /// text when that had to be shortened.
    pub label: String,
    pub label_full: Option<String>,
}

/// The boxes and edges of one model, with the zones in band order.
pub(super) struct Graph<'a> {
    pub nodes: Vec<Node<'a>>,
    pub edges: Vec<Edge<'a>>,
    /// Zones top to bottom: the model's order, then zones only components
    /// name, then `None` (unzoned components and other models) when used.
    pub zones: Vec<Option<&'a str>>,
    /// The declared trust boundaries: the two zones, and the name.
    pub boundaries: Vec<([&'a str; 2], &'a str)>,
}

/// Labels wider than this many display columns are shortened (the tooltip
/// has them in full).
const MAX_LABEL: usize = 40;

impl<'a> Graph<'a> {
    /// Collects the boxes and edges of `m`.
    pub fn of(m: &'a Model) -> Self {
        let mut nodes: Vec<Node<'a>> = m
            .components
            .iter()
            .map(|c| {
                let kind = c.kind.as_str();
                let mut n = node(
                    c.id.as_str(),
                    &c.name,
                    kind,
                    kind.to_owned(),
                    c.zone.as_ref().map(|z| z.as_str()),
                    format!("#{}", element_anchor(c.id.as_str())),
                );
                n.badge = badge(m, c.id.as_str());
                if let Some(b) = &n.badge {
                    n.h += BADGE_H;
                    n.w =
                        n.w.max((text::width(&b.text(), SMALL_PX, true) + 2.0 * BOX_PAD).ceil());
                }
                n
            })
            .collect();
        for f in &m.flows {
            for end in [&f.from, &f.to] {
                if let (Some(model), comp) = end.parts()
                    && nodes.iter().all(|n| n.key != end.0.as_str())
                {
                    nodes.push(node(
                        end.0.as_str(),
                        comp,
                        "other-model",
                        format!("model {model}"),
                        None,
                        format!("{model}.html#{}", element_anchor(comp)),
                    ));
                }
            }
        }
        let find = |key: &str| nodes.iter().position(|n| n.key == key);
        let edges = m
            .flows
            .iter()
            .filter_map(|f| {
                let (from, to) = (find(f.from.0.as_str())?, find(f.to.0.as_str())?);
                let text = f
                    .name
                    .as_deref()
                    .or(f.protocol.as_deref())
                    .unwrap_or(f.id.as_str());
                let label = text::shorten(text, MAX_LABEL);
                let label_full = (label != text).then(|| text.to_owned());
                let (za, zb) = (nodes[from].zone, nodes[to].zone);
                let boundaries = m
                    .boundaries
                    .iter()
                    .filter(|b| {
                        za != zb
                            && b.between.iter().any(|z| Some(z.as_str()) == za)
                            && b.between.iter().any(|z| Some(z.as_str()) == zb)
                    })
                    .map(|b| b.name.as_deref().unwrap_or(b.id.as_str()))
                    .collect();
                Some(Edge {
                    from,
                    to,
                    flow: f,
                    crossing: crosses_boundary(m, f),
                    boundaries,
                    label,
                    label_full,
                })
            })
            .collect();
        let mut zones: Vec<Option<&str>> = m.zones.iter().map(|z| Some(z.as_str())).collect();
        for n in &nodes {
            if n.zone.is_some() && !zones.contains(&n.zone) {
                zones.push(n.zone);
            }
        }
        if nodes.iter().any(|n| n.zone.is_none()) {
            zones.push(None);
        }
        zones.retain(|z| nodes.iter().any(|n| n.zone == *z));
        let boundaries = m
            .boundaries
            .iter()
            .filter_map(|b| match b.between.as_slice() {
                [x, y] => Some((
                    [x.as_str(), y.as_str()],
                    b.name.as_deref().unwrap_or(b.id.as_str()),
                )),
                _ => None,
            })
            .collect();
        Graph {
            nodes,
            edges,
            zones,
            boundaries,
        }
    }
}

impl Badge {
    /// The badge's text: the count and the severity in words, so it is not
    /// told by colour alone.
    pub fn text(&self) -> String {
        format!("{} open · {}", self.open, self.severity)
    }
}

/// The open threats against component `id`, if any.
fn badge(m: &Model, id: &str) -> Option<Badge> {
    let open: Vec<_> = m
        .threats
        .iter()
        .filter(|t| t.target.as_str() == id && t.status == ThreatStatus::Open)
        .collect();
    let severity = open.iter().map(|t| t.severity).max()?;
    let first = open.iter().find(|t| t.severity == severity)?;
    Some(Badge {
        open: open.len(),
        severity,
        anchor: threat_anchor(first.id.as_str()),
    })
}

/// The anchor of a threat's row on the model page (the row's id is the
/// threat id).
fn threat_anchor(id: &str) -> String {
    id.to_owned()
}

impl Edge<'_> {
    /// Whether the flow is declared unauthenticated.
    pub fn unauthenticated(&self) -> bool {
        self.flow.authenticated == Some(false)
    }

    /// Whether the flow is declared unencrypted.
    pub fn unencrypted(&self) -> bool {
        self.flow.encrypted == Some(false)
    }

    /// How many warning glyphs its label carries.
    pub fn warnings(&self) -> usize {
        usize::from(self.unauthenticated()) + usize::from(self.unencrypted())
    }
}

fn node<'a>(
    key: &'a str,
    name: &'a str,
    kind: &'static str,
    caption: String,
    zone: Option<&'a str>,
    href: String,
) -> Node<'a> {
    let lines = text::wrap_name(name);
    let text_w = lines
        .iter()
        .map(|l| text::width(l, NAME_PX, true))
        .chain([text::width(&caption, SMALL_PX, false)])
        .fold(0.0, f64::max);
    Node {
        key,
        name,
        kind,
        h: BOX_H + lines.len().saturating_sub(1) as f64 * LINE_H,
        lines,
        caption,
        zone,
        href,
        badge: None,
        w: (text_w + 2.0 * BOX_PAD).max(MIN_BOX_W).ceil(),
    }
}
