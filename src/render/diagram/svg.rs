//! The SVG markup of a laid-out diagram. Every piece of model text is escaped.

use std::fmt::Write;

use super::graph::{Edge, Graph, LINE_H, Node};
use super::labels::{Placed, zone_title};
use super::layout::{Cubic, LEGEND_H, Layout, MARGIN, Rect};
use super::text::esc;
use crate::model::{ComponentKind, Model};
use crate::render::context::element_anchor;

/// Natural display size over layout units: the layout is measured for 13 px
/// names, shown a little larger so a diagram reads like the page's text (CSS
/// shrinks it to the page width when it is wider).
const SCALE: f64 = 1.25;

/// Draws zones, then flows, then boxes, then labels (so labels stay on top).
pub(super) fn draw(m: &Model, g: &Graph<'_>, lay: &Layout<'_>, labels: &[Placed]) -> String {
    let (width, height) = (lay.width.ceil(), lay.height.ceil());
    let (shown_w, shown_h) = ((width * SCALE).round(), (height * SCALE).round());
    let mut s = String::with_capacity(8192);
    let _ = write!(
        s,
        r#"<svg class="dfd" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{shown_w}" height="{shown_h}" role="img" aria-labelledby="dfd-title-{id}"><title id="dfd-title-{id}">Data-flow diagram of {title}</title>"#,
        id = esc(m.id.as_str()),
        title = esc(&m.title),
    );
    s.push_str(r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="arrowhead"/></marker><marker id="arrow-crossing" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="arrowhead crossing"/></marker></defs>"#);
    for b in &lay.bands {
        let (t, title) = zone_title(b);
        let r = &b.rect;
        let class = if b.zone.is_some() {
            "zone"
        } else {
            "zone unzoned"
        };
        let _ = write!(
            s,
            r#"<g class="{class}"><rect x="{}" y="{}" width="{:.1}" height="{:.1}" rx="8"/><text x="{:.1}" y="{:.1}">{}</text></g>"#,
            r.x,
            r.y,
            r.w,
            r.h,
            t.x + 3.0,
            t.y + 12.0,
            esc(&title)
        );
    }
    for (e, route) in g.edges.iter().zip(&lay.routes) {
        draw_edge(&mut s, e, route);
    }
    for (n, b) in g.nodes.iter().zip(&lay.boxes) {
        draw_node(&mut s, n, b);
    }
    for (e, l) in g.edges.iter().zip(labels) {
        let title = e
            .label_full
            .as_deref()
            .map(|t| format!("<title>{}</title>", esc(t)))
            .unwrap_or_default();
        let _ = write!(
            s,
            r#"<g class="flow-label{extra}">{title}<text x="{:.1}" y="{:.1}">{}</text></g>"#,
            l.centre.0,
            l.centre.1 + 4.0,
            esc(&e.label),
            extra = if e.crossing { " crossing" } else { "" },
        );
    }
    let _ = write!(
        s,
        r#"<g class="legend" transform="translate({MARGIN} {})"><line x1="0" y1="0" x2="34" y2="0" class="flow"/><text x="40" y="4">data flow</text><line x1="130" y1="0" x2="164" y2="0" class="flow crossing"/><text x="170" y="4">crosses a trust boundary</text></g>"#,
        height - LEGEND_H / 2.0
    );
    s.push_str("</svg>");
    s
}

fn draw_node(s: &mut String, n: &Node<'_>, b: &Rect) {
    let Rect { x, y, w, h } = *b;
    let shape = match n.kind {
        k if k == ComponentKind::Datastore.as_str() => format!(
            r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" class="body"/><path d="M{x:.1} {y:.1}h{w:.1}M{x:.1} {:.1}h{w:.1}" class="store-lines"/>"#,
            y + h
        ),
        k if k == ComponentKind::Human.as_str() || k == ComponentKind::External.as_str() => {
            format!(
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="2" class="body"/>"#
            )
        }
        _ => format!(
            r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="14" class="body"/>"#
        ),
    };
    let title = if n.kind == "other-model" {
        format!("{} (another model)", n.key)
    } else {
        format!("{} ({})", n.name, n.kind)
    };
    let cx = x + w / 2.0;
    // Name lines and caption, centred vertically in the box.
    let text_h = n.lines.len() as f64 * LINE_H + 14.0;
    let mut ty = y + (h - text_h) / 2.0 + 12.5;
    let mut lines = String::new();
    for line in &n.lines {
        let _ = write!(
            lines,
            r#"<text x="{cx:.1}" y="{ty:.1}" class="name">{}</text>"#,
            esc(line)
        );
        ty += LINE_H;
    }
    let _ = write!(
        s,
        r#"<a href="{href}" class="node k-{kind}"><title>{title}</title>{shape}{lines}<text x="{cx:.1}" y="{ky:.1}" class="kind">{caption}</text></a>"#,
        href = esc(&n.href),
        kind = n.kind,
        title = esc(&title),
        ky = ty + 1.0,
        caption = esc(&n.caption),
    );
}

fn draw_edge(s: &mut String, e: &Edge<'_>, route: &[Cubic]) {
    let f = e.flow;
    let class = if e.crossing { "flow crossing" } else { "flow" };
    let full = format!(
        "{} ({} → {}){}",
        f.name.as_deref().unwrap_or(f.id.as_str()),
        f.from,
        f.to,
        f.protocol
            .as_deref()
            .map(|p| format!(", {p}"))
            .unwrap_or_default()
    );
    let mut d = String::new();
    if let Some(first) = route.first() {
        let _ = write!(d, "M{:.1} {:.1}", first[0].0, first[0].1);
    }
    for c in route {
        let _ = write!(
            d,
            "C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
            c[1].0, c[1].1, c[2].0, c[2].1, c[3].0, c[3].1
        );
    }
    let _ = write!(
        s,
        r##"<a href="#{anchor}" class="edge"><title>{full}{cross}</title><path d="{d}" class="{class}" marker-end="url(#{marker})"/></a>"##,
        marker = if e.crossing {
            "arrow-crossing"
        } else {
            "arrow"
        },
        anchor = esc(&element_anchor(f.id.as_str())),
        full = esc(&full),
        cross = if e.crossing {
            " — crosses a trust boundary"
        } else {
            ""
        },
    );
}
