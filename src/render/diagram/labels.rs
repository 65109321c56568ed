//! Where flow labels go: on their own route, at the first of several spots
//! along it (middle first) where the label covers no box, zone title or
//! label already placed, preferring spots that cover no other flow.

use super::graph::Graph;
use super::layout::{Band, LEGEND_H, Layout, Point, Rect, sample};
use super::text::{self, SMALL_PX};

/// Height of a label's box.
const LABEL_H: f64 = 15.0;
/// Where along its route a label is tried, as fractions of the route's length.
const ALONG: [f64; 13] = [
    0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85, 0.1, 0.9, 0.05, 0.95,
];
/// Curve samples per route segment.
const STEPS: usize = 24;

/// A placed label: its box, and the centre of its text.
#[derive(Clone, Copy, Debug)]
pub(super) struct Placed {
    pub rect: Rect,
    pub centre: Point,
}

/// The box holding a zone's title, top left in its band.
pub(super) fn zone_title(band: &Band<'_>) -> (Rect, String) {
    let title = match band.zone {
        Some(z) => format!("zone: {z}"),
        None => "no zone / other models".to_owned(),
    };
    let rect = Rect {
        x: band.rect.x + 7.0,
        y: band.rect.y + 4.0,
        w: text::width(&title, 12.0, true) + 6.0,
        h: 16.0,
    };
    (rect, title)
}

/// Places the label of every edge of `g` (same index).
pub(super) fn place(g: &Graph<'_>, lay: &Layout<'_>) -> Vec<Placed> {
    let mut hard: Vec<Rect> = lay.boxes.iter().map(|b| b.grow(3.0)).collect();
    hard.extend(lay.bands.iter().map(|b| zone_title(b).0));
    let paths: Vec<Vec<Point>> = lay.routes.iter().map(|r| sample(r, STEPS)).collect();
    let canvas = Rect {
        x: 2.0,
        y: 2.0,
        w: lay.width - 4.0,
        h: lay.height - LEGEND_H - 2.0,
    };
    let mut placed: Vec<Placed> = Vec::with_capacity(g.edges.len());
    if g.edges.len() > MAX_SEARCHED_LABELS {
        return midpoints(g, &paths);
    }
    for (e, edge) in g.edges.iter().enumerate() {
        let w = text::width(&edge.label, SMALL_PX, false) + 8.0;
        let mut best: Option<((f64, usize), Placed)> = None;
        let path = paths.get(e).map_or(&[][..], Vec::as_slice);
        'search: for at in candidates(path, w) {
            let rect = Rect {
                x: at.0 - w / 2.0,
                y: at.1 - LABEL_H / 2.0,
                w,
                h: LABEL_H,
            };
            let inside = rect.x >= canvas.x
                && rect.y >= canvas.y
                && rect.x + rect.w <= canvas.x + canvas.w
                && rect.y + rect.h <= canvas.y + canvas.h;
            let blocked: f64 = hard
                .iter()
                .chain(placed.iter().map(|p| &p.rect))
                .map(|r| overlap_area(&rect, r))
                .sum::<f64>()
                + if inside { 0.0 } else { 1e6 };
            let covered = paths
                .iter()
                .enumerate()
                .filter(|&(o, _)| o != e)
                .map(|(_, p)| p.iter().filter(|&&q| rect.contains(q)).count())
                .sum::<usize>();
            // A label straddling a zone's border reads as part of both zones.
            let straddles = lay
                .bands
                .iter()
                .flat_map(|b| [b.rect.y, b.rect.y + b.rect.h])
                .filter(|&y| rect.y < y && y < rect.y + rect.h)
                .count();
            let score = (blocked, covered + 8 * straddles);
            if best.as_ref().is_none_or(|(s, _)| score < *s) {
                best = Some((score, Placed { rect, centre: at }));
                if score == (0.0, 0) {
                    break 'search;
                }
            }
        }
        let spot = best.map_or(
            Placed {
                rect: Rect {
                    x: 0.0,
                    y: 0.0,
                    w: 0.0,
                    h: 0.0,
                },
                centre: (0.0, 0.0),
            },
            |(_, p)| p,
        );
        hard.push(spot.rect.grow(2.0));
        placed.push(spot);
    }
    placed
}

/// Above this many flows, each label goes at the middle of its route without
/// a search for a free spot: the search weighs every label against every
/// other label and route (quadratic), and a diagram that dense is read
/// through its tables anyway.
const MAX_SEARCHED_LABELS: usize = 200;

/// Each label at the middle of its route.
fn midpoints(g: &Graph<'_>, paths: &[Vec<Point>]) -> Vec<Placed> {
    g.edges
        .iter()
        .zip(paths)
        .map(|(edge, path)| {
            let w = text::width(&edge.label, SMALL_PX, false) + 8.0;
            let at = candidates(path, w).first().copied().unwrap_or((0.0, 0.0));
            Placed {
                rect: Rect {
                    x: at.0 - w / 2.0,
                    y: at.1 - LABEL_H / 2.0,
                    w,
                    h: LABEL_H,
                },
                centre: at,
            }
        })
        .collect()
}

/// Candidate label centres: spots along the path, each on the path, then
/// nudged above, below and to either side of it.
fn candidates(path: &[Point], w: f64) -> Vec<Point> {
    let mut along = vec![0.0];
    for s in path.windows(2) {
        let d = ((s[1].0 - s[0].0).powi(2) + (s[1].1 - s[0].1).powi(2)).sqrt();
        along.push(along[along.len() - 1] + d);
    }
    let total = along.last().copied().unwrap_or(0.0);
    let side = w / 2.0 + 6.0;
    let nudges = [
        (0.0, 0.0),
        (0.0, -11.0),
        (0.0, 11.0),
        (side, 0.0),
        (-side, 0.0),
        (side, -11.0),
        (-side, 11.0),
        (side, 11.0),
        (-side, -11.0),
    ];
    let mut out = Vec::new();
    // A route without points (none is built that way) has no spot to offer.
    let Some(last) = path.len().checked_sub(1) else {
        return out;
    };
    for &(dx, dy) in &nudges {
        for f in ALONG {
            let k = along.partition_point(|&a| a < f * total).min(last);
            let p = path[k];
            out.push((p.0 + dx, p.1 + dy));
        }
    }
    out
}

/// Area shared by two rectangles.
fn overlap_area(a: &Rect, b: &Rect) -> f64 {
    if !a.overlaps(b) {
        return 0.0;
    }
    let w = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
    let h = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
    w * h
}
