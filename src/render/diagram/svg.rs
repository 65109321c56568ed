//! The SVG markup of a laid-out diagram. Every piece of model text is escaped.

use std::fmt::Write;

use super::graph::{BADGE_H, Edge, Graph, LINE_H, Node};
use super::labels::{Decor, GLYPH_W, MARKER_R};
use super::labels::{Placed, zone_title};
use super::layout::{Cubic, Layout, Rect};
use super::text::{self, SMALL_PX, esc};
use crate::model::{ComponentKind, Model};
use crate::render::context::element_anchor;

/// Natural display size over layout units: the layout is measured for 13 px
/// names and 11 px labels, shown a little larger. The page never shrinks the
/// drawing (it scrolls in its own box instead), so a label is never smaller
/// than 12 px on any screen.
const SCALE: f64 = 1.1;

/// Draws zones, boundaries, then flows, then boxes, then labels (so labels
/// stay on top).
pub(super) fn draw(
    m: &Model,
    g: &Graph<'_>,
    lay: &Layout<'_>,
    labels: &[Placed],
    decor: &Decor<'_>,
) -> String {
    let (width, height) = (lay.width.ceil(), lay.height.ceil());
    let (shown_w, shown_h) = ((width * SCALE).round(), (height * SCALE).round());
    let mut s = String::with_capacity(8192);
    let _ = write!(
        s,
        r#"<svg class="dfd" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{shown_w}" height="{shown_h}" role="img" aria-labelledby="dfd-title-{id}"><title id="dfd-title-{id}">Data-flow diagram of {title}</title>"#,
        id = esc(m.id.as_str()),
        title = esc(&m.title),
    );
    s.push_str(r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="arrowhead"/></marker></defs>"#);
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
            r#"<g class="{class}" data-zone="{}"><rect x="{}" y="{}" width="{:.1}" height="{:.1}" rx="8"/><text x="{:.1}" y="{:.1}">{}</text></g>"#,
            esc(b.zone.unwrap_or("")),
            r.x,
            r.y,
            r.w,
            r.h,
            t.x + 3.0,
            t.y + 12.0,
            esc(&title)
        );
    }
    for l in &decor.lines {
        let r = &l.label;
        let _ = write!(
            s,
            r#"<g class="boundary"><title>trust boundary: {name}</title><line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="3"/><text x="{:.1}" y="{:.1}">{name}</text></g>"#,
            l.x1,
            l.x2,
            r.x,
            r.y,
            r.w,
            r.h,
            r.x + r.w / 2.0,
            r.y + r.h - 4.0,
            y = l.y,
            name = esc(l.name),
        );
    }
    for (e, route) in g.edges.iter().zip(&lay.routes) {
        draw_edge(&mut s, e, route);
    }
    for (e, at) in g.edges.iter().zip(&decor.markers) {
        if let Some((x, y)) = at {
            let r = MARKER_R;
            let _ = write!(
                s,
                r#"<path class="cross-mark" d="M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}z"><title>{} crosses a trust boundary here</title></path>"#,
                y - r,
                x + r,
                y + r,
                x - r,
                esc(e.flow.id.as_str()),
            );
        }
    }
    for (n, b) in g.nodes.iter().zip(&lay.boxes) {
        draw_node(&mut s, n, b);
    }
    for (e, l) in g.edges.iter().zip(labels) {
        draw_label(&mut s, e, l);
    }
    s.push_str("</svg>");
    s
}

/// A flow's label: a box on (or beside) its line, the warning glyphs, the text.
fn draw_label(s: &mut String, e: &Edge<'_>, l: &Placed) {
    let title = e
        .label_full
        .as_deref()
        .map(|t| format!("<title>{}</title>", esc(t)))
        .unwrap_or_default();
    let r = &l.rect;
    let mut glyphs = String::new();
    let mut gx = r.x + 5.0;
    let cy = r.y + r.h / 2.0;
    if e.unauthenticated() {
        let _ = write!(
            glyphs,
            r#"<g class="glyph noauth"><circle cx="{:.1}" cy="{cy:.1}" r="5.5"/><text x="{:.1}" y="{:.1}">!</text></g>"#,
            gx + 5.5,
            gx + 5.5,
            cy + 3.5,
        );
        gx += GLYPH_W;
    }
    if e.unencrypted() {
        // An open padlock: the body, and the shackle lifted off on one side.
        let _ = write!(
            glyphs,
            r#"<g class="glyph plain"><rect x="{:.1}" y="{:.1}" width="9" height="6" rx="1"/><path d="M{:.1} {:.1}v-3a2.5 2.5 0 0 1 5 0v1"/></g>"#,
            gx + 1.0,
            cy - 1.0,
            gx + 3.0,
            cy - 1.0,
        );
    }
    let text_x = r.x + r.w / 2.0 + GLYPH_W * e.warnings() as f64 / 2.0;
    let _ = write!(
        s,
        r#"<g class="flow-label" data-flow="{flow}">{title}<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="3"/>{glyphs}<text x="{text_x:.1}" y="{:.1}">{}</text></g>"#,
        r.x,
        r.y,
        r.w,
        r.h,
        r.y + r.h - 4.0,
        esc(&e.label),
        flow = esc(e.flow.id.as_str()),
    );
}

/// The key to the diagram's marks, as HTML under it.
pub(super) fn legend() -> String {
    let icon = |body: &str| {
        format!(
            r#"<svg class="dfd" width="36" height="16" viewBox="0 0 36 16" aria-hidden="true">{body}</svg>"#
        )
    };
    let items = [
        (icon(r#"<path class="flow" d="M2 8H33"/>"#), "data flow"),
        (
            icon(
                r#"<path class="flow" d="M2 8H33"/><path class="cross-mark" d="M18 3.5L22.5 8L18 12.5L13.5 8z"/>"#,
            ),
            "crosses a trust boundary (the mark is where it enters the zone)",
        ),
        (
            icon(r#"<g class="boundary"><line x1="2" y1="8" x2="34" y2="8"/></g>"#),
            "declared trust boundary, named on the line",
        ),
        (
            icon(
                r#"<path class="flow noauth" d="M2 8H33"/><g class="glyph noauth"><circle cx="18" cy="8" r="5.5"/><text x="18" y="11.5">!</text></g>"#,
            ),
            "not authenticated (dotted line)",
        ),
        (
            icon(
                r#"<path class="flow plain" d="M2 8H33"/><g class="glyph plain"><rect x="13.5" y="7" width="9" height="6" rx="1"/><path d="M15.5 7v-3a2.5 2.5 0 0 1 5 0v1"/></g>"#,
            ),
            "not encrypted (dashed line)",
        ),
        (
            r#"<span class="badge sev-high">2 open · high</span>"#.to_owned(),
            "open threats against a component, by highest severity (links to them)",
        ),
    ];
    let mut out = String::from(r#"<ul class="dfd-legend">"#);
    for (mark, text) in items {
        let _ = write!(out, "<li>{mark} {text}</li>");
    }
    out.push_str("</ul>");
    out
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
    // Name lines and caption, centred vertically above the badge's row.
    let text_h = n.lines.len() as f64 * LINE_H + 14.0;
    let room = h - if n.badge.is_some() { BADGE_H } else { 0.0 };
    let mut ty = y + (room - text_h) / 2.0 + 12.5;
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
        r#"<a href="{href}" class="node k-{kind}" data-node="{key}" data-zone="{zone}"><title>{title}</title>{shape}{lines}<text x="{cx:.1}" y="{ky:.1}" class="kind">{caption}</text></a>"#,
        href = esc(&n.href),
        kind = n.kind,
        title = esc(&title),
        ky = ty + 1.0,
        caption = esc(&n.caption),
        key = esc(n.key),
        zone = esc(n.zone.unwrap_or("")),
    );
    if let Some(b) = &n.badge {
        let text = b.text();
        let bw = text::width(&text, SMALL_PX, true) + 10.0;
        let by = y + h - BADGE_H - 3.0;
        let _ = write!(
            s,
            r##"<a href="#{anchor}" class="threat-badge sev-{sev}"><title>{open} open threat(s) against {name}, the highest {sev}</title><rect x="{:.1}" y="{by:.1}" width="{bw:.1}" height="{BADGE_H:.1}" rx="8"/><text x="{cx:.1}" y="{:.1}">{text}</text></a>"##,
            cx - bw / 2.0,
            by + BADGE_H - 4.5,
            anchor = esc(&b.anchor),
            sev = b.severity,
            open = b.open,
            name = esc(n.name),
            text = esc(&text),
        );
    }
}

fn draw_edge(s: &mut String, e: &Edge<'_>, route: &[Cubic]) {
    let f = e.flow;
    let mut class = String::from("flow");
    let mut notes = String::new();
    if e.crossing {
        notes.push_str(" — crosses a trust boundary");
        if !e.boundaries.is_empty() {
            let _ = write!(notes, " ({})", e.boundaries.join(", "));
        }
    }
    if e.unauthenticated() {
        class.push_str(" noauth");
        notes.push_str(" — not authenticated");
    }
    if e.unencrypted() {
        class.push_str(" plain");
        notes.push_str(" — not encrypted");
    }
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
        r##"<a href="#{anchor}" class="edge" data-flow="{flow}"><title>{full}{notes}</title><path d="{d}" class="{class}" marker-end="url(#arrow)"/></a>"##,
        anchor = esc(&element_anchor(f.id.as_str())),
        full = esc(&full),
        notes = esc(&notes),
        flow = esc(f.id.as_str()),
    );
}
