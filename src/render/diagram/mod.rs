//! The data-flow diagram: an automatic layered (Sugiyama-style) layout drawn
//! as inline SVG, so no Graphviz is needed.
//!
//! Trust zones are horizontal bands (enclosing boxes) stacked in the model's
//! zone order; inside a band, components sit in layers by the longest path
//! along the band's own flows. Flows run down (or up) the page; a flow that
//! skips layers gets a waypoint in each layer it passes, so it is routed
//! between boxes, never through one. The stages are:
//! `graph` (what is drawn) → `layout` (where) → `labels` (where the flow
//! names go) → `svg` (the markup).

mod graph;
mod labels;
mod layout;
mod svg;
#[cfg(test)]
mod tests;
mod text;

use crate::model::{Flow, Model};

/// Whether a flow joins components in two different trust zones.
pub fn crosses_boundary(m: &Model, f: &Flow) -> bool {
    let zone_of = |end: &str| {
        m.components
            .iter()
            .find(|c| c.id.as_str() == end)
            .and_then(|c| c.zone.as_ref())
    };
    match (zone_of(&f.from.0), zone_of(&f.to.0)) {
        (Some(a), Some(b)) => a != b,
        _ => false,
    }
}

/// Draws the model's data-flow diagram; empty when it has no components.
pub fn render(m: &Model) -> String {
    if m.components.is_empty() {
        return String::new();
    }
    let g = graph::Graph::of(m);
    let lay = layout::Layout::of(&g);
    let placed = labels::place(&g, &lay);
    svg::draw(m, &g, &lay, &placed)
}
