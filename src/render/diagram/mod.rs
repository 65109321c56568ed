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

use crate::model::Model;

/// Whether a flow crosses a trust boundary: the checker's own answer
/// (TM201 asks threats of exactly these flows), so the diagram and `tm check`
/// never disagree. A flow to or from another model's component always
/// crosses; a flow between two unzoned components never does.
use crate::check::coverage::crosses_boundary;

/// The most extra room [`render`] gives a crowded diagram, as a factor of
/// the normal gaps between layers and boxes.
const MAX_SPREAD: f64 = 2.0;

/// Draws the model's data-flow diagram in a box that scrolls when it is wider
/// than the page, with its legend under it; empty when it has no components.
pub fn render(m: &Model) -> String {
    if m.components.is_empty() {
        return String::new();
    }
    let g = graph::Graph::of(m);
    let (lay, decor, placed) = arrange(&g);
    let mut out = String::from(r#"<div class="dfd-scroll">"#);
    out.push_str(&svg::draw(m, &g, &lay, &placed, &decor));
    out.push_str("</div>");
    out.push_str(&svg::legend());
    out
}

/// Lays out `g` and places its labels. When some label finds no clear spot,
/// the layout is tried again with more room between layers and boxes, up to
/// [`MAX_SPREAD`] times the room.
fn arrange<'a>(
    g: &graph::Graph<'a>,
) -> (layout::Layout<'a>, labels::Decor<'a>, Vec<labels::Placed>) {
    let mut spread = 1.0;
    loop {
        let lay = layout::Layout::of(g, spread);
        let decor = labels::decor(g, &lay);
        let (placed, conflicts) = labels::place(g, &lay, &decor);
        if conflicts == 0 || spread >= MAX_SPREAD {
            return (lay, decor, placed);
        }
        spread += 0.25;
    }
}
