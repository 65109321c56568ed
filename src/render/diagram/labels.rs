//! Where flow labels go: on their own route, at the first of several spots
//! along it (middle first) where the label covers no box, zone title or
//! label already placed, preferring spots that cover no other flow.

use super::graph::Graph;
use super::layout::{Band, Layout, Point, Rect, sample};
use super::text::{self, SMALL_PX};

/// Height of a label's box.
const LABEL_H: f64 = 15.0;
/// Where along its route a label is tried: fractions of the route's length,
/// the middle first, then outwards in steps of 1/`ALONG_STEPS`.
const ALONG_STEPS: usize = 40;

fn along_fractions() -> impl Iterator<Item = f64> {
    let half = ALONG_STEPS / 2;
    (0..half).flat_map(move |k| {
        let d = k as f64 / ALONG_STEPS as f64;
        if k == 0 {
            vec![0.5]
        } else {
            vec![0.5 - d, 0.5 + d]
        }
    })
}
/// Curve samples per route segment.
const STEPS: usize = 24;

/// A placed label: its box.
#[derive(Clone, Copy, Debug)]
pub(super) struct Placed {
    pub rect: Rect,
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

/// A declared boundary drawn between two adjacent zones: a line across the
/// gap between their bands, and its name.
pub(super) struct BoundaryLine<'a> {
    pub y: f64,
    pub x1: f64,
    pub x2: f64,
    pub name: &'a str,
    /// The name's box, in the gap, clear of the flows that cross it.
    pub label: Rect,
}

/// What is drawn besides boxes, flows and flow labels: declared boundaries
/// and, on each flow crossing a trust boundary, a marker where it enters its
/// target's zone.
pub(super) struct Decor<'a> {
    pub lines: Vec<BoundaryLine<'a>>,
    /// One marker per edge (same index), `None` when the flow does not cross.
    pub markers: Vec<Option<Point>>,
}

/// Half the size of a crossing marker.
pub(super) const MARKER_R: f64 = 4.5;

/// Boundary lines between adjacent bands whose zones have a declared
/// boundary, and crossing markers.
pub(super) fn decor<'a>(g: &Graph<'a>, lay: &Layout<'_>) -> Decor<'a> {
    let paths: Vec<Vec<Point>> = lay.routes.iter().map(|r| sample(r, STEPS)).collect();
    let mut lines = Vec::new();
    for pair in lay.bands.windows(2) {
        let (Some(a), Some(b)) = (pair[0].zone, pair[1].zone) else {
            continue;
        };
        let Some(&(_, name)) = g
            .boundaries
            .iter()
            .find(|(z, _)| (z[0] == a && z[1] == b) || (z[0] == b && z[1] == a))
        else {
            continue;
        };
        let (above, below) = (&pair[0].rect, &pair[1].rect);
        let y = (above.y + above.h + below.y) / 2.0;
        let (x1, x2) = (above.x, above.x + above.w);
        let w = text::width(name, SMALL_PX, true) + 10.0;
        // Where flows cross the line: the label goes in the widest free
        // stretch, preferring the right end.
        let mut xs: Vec<f64> = paths
            .iter()
            .flat_map(|p| p.windows(2))
            .filter(|s| (s[0].1 - y) * (s[1].1 - y) <= 0.0 && s[0].1 != s[1].1)
            .map(|s| s[0].0 + (s[1].0 - s[0].0) * (y - s[0].1) / (s[1].1 - s[0].1))
            .filter(|&x| x > x1 && x < x2)
            .collect();
        xs.push(x1);
        xs.push(x2);
        xs.sort_by(f64::total_cmp);
        let free = xs
            .windows(2)
            .rfind(|s| s[1] - s[0] >= w + 12.0)
            .or_else(|| {
                xs.windows(2)
                    .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))
            });
        let right = free.map_or(x2, |s| s[1]) - 6.0;
        lines.push(BoundaryLine {
            y,
            x1,
            x2,
            name,
            label: Rect {
                x: (right - w).max(x1),
                y: y - LABEL_H / 2.0,
                w,
                h: LABEL_H,
            },
        });
    }
    let band_of = |n: usize| lay.bands.iter().position(|b| b.zone == g.nodes[n].zone);
    let markers = g
        .edges
        .iter()
        .zip(&paths)
        .map(|(e, path)| {
            if !e.crossing || e.from == e.to {
                return None;
            }
            let target = band_of(e.to)?;
            if band_of(e.from) == Some(target) {
                return path.get(path.len() / 2).copied();
            }
            let band = &lay.bands[target].rect;
            path.windows(2)
                .find(|s| !band.contains(s[0]) && band.contains(s[1]))
                .map(|s| s[1])
        })
        .collect();
    Decor { lines, markers }
}

/// Width of a flow label's box: its text, and a glyph for each warning.
pub(super) fn label_width(edge: &super::graph::Edge<'_>) -> f64 {
    text::width(&edge.label, SMALL_PX, false) + 10.0 + GLYPH_W * edge.warnings() as f64
}

/// Room a warning glyph takes in a label.
pub(super) const GLYPH_W: f64 = 13.0;

/// Places the label of every edge of `g` (same index), and counts the labels
/// that found no spot clear of every other label, box, zone title, mark and
/// foreign line.
pub(super) fn place(g: &Graph<'_>, lay: &Layout<'_>, decor: &Decor<'_>) -> (Vec<Placed>, usize) {
    let mut hard: Vec<Rect> = lay.boxes.iter().map(|b| b.grow(3.0)).collect();
    hard.extend(lay.bands.iter().map(|b| zone_title(b).0));
    hard.extend(decor.lines.iter().map(|l| l.label.grow(2.0)));
    hard.extend(decor.markers.iter().flatten().map(|&(x, y)| Rect {
        x: x - MARKER_R - 1.0,
        y: y - MARKER_R - 1.0,
        w: 2.0 * MARKER_R + 2.0,
        h: 2.0 * MARKER_R + 2.0,
    }));
    let paths: Vec<Vec<Point>> = lay.routes.iter().map(|r| sample(r, STEPS)).collect();
    let canvas = Rect {
        x: 2.0,
        y: 2.0,
        w: lay.width - 4.0,
        h: lay.height - 4.0,
    };
    let mut placed: Vec<Placed> = Vec::with_capacity(g.edges.len());
    if g.edges.len() > MAX_SEARCHED_LABELS {
        return (midpoints(g, &paths), 0);
    }
    let mut conflicts = 0;
    let bounds: Vec<Rect> = paths.iter().map(Vec::as_slice).map(bounding).collect();
    for (e, edge) in g.edges.iter().enumerate() {
        let w = label_width(edge);
        let mut best: Option<((f64, usize, usize), Placed)> = None;
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
            // Grown a little: the samples' chords stray from the curves.
            let near = rect.grow(1.5);
            let covered = paths
                .iter()
                .zip(&bounds)
                .enumerate()
                .filter(|&(o, (_, b))| o != e && b.grow(1.0).overlaps(&near))
                .map(|(_, (p, _))| {
                    p.windows(2)
                        .filter(|s| segment_hits(&near, s[0], s[1]))
                        .count()
                })
                .sum::<usize>();
            // A label straddling a zone's border reads as part of both zones.
            let straddles = lay
                .bands
                .iter()
                .flat_map(|b| [b.rect.y, b.rect.y + b.rect.h])
                .filter(|&y| rect.y < y && y < rect.y + rect.h)
                .count();
            let score = (blocked, covered, straddles);
            if best.as_ref().is_none_or(|(s, _)| score < *s) {
                best = Some((score, Placed { rect }));
                if score == (0.0, 0, 0) {
                    break 'search;
                }
            }
        }
        if best
            .as_ref()
            .is_none_or(|((blocked, covered, _), _)| *blocked > 0.0 || *covered > 0)
        {
            conflicts += 1;
        }
        let spot = best.map_or(
            Placed {
                rect: Rect {
                    x: 0.0,
                    y: 0.0,
                    w: 0.0,
                    h: 0.0,
                },
            },
            |(_, p)| p,
        );
        hard.push(spot.rect.grow(2.0));
        placed.push(spot);
    }
    (placed, conflicts)
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
            let w = label_width(edge);
            let at = candidates(path, w).first().copied().unwrap_or((0.0, 0.0));
            Placed {
                rect: Rect {
                    x: at.0 - w / 2.0,
                    y: at.1 - LABEL_H / 2.0,
                    w,
                    h: LABEL_H,
                },
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
    // On the line first, then just beside it, then (crowded spots) a little
    // further off: up to 43 units above or below, which clears the boxes a
    // flow between two neighbours in a layer runs between.
    let mut nudges = vec![
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
    for far in [8.0, 16.0, 24.0, 32.0] {
        nudges.extend([
            (side + far, 0.0),
            (-side - far, 0.0),
            (0.0, -11.0 - far),
            (0.0, 11.0 + far),
        ]);
    }
    let mut out = Vec::new();
    // A route without points (none is built that way) has no spot to offer.
    let Some(last) = path.len().checked_sub(1) else {
        return out;
    };
    for &(dx, dy) in &nudges {
        for f in along_fractions() {
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

/// The smallest rectangle holding every point of `path`.
fn bounding(path: &[Point]) -> Rect {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in path {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    Rect {
        x: x0,
        y: y0,
        w: (x1 - x0).max(0.0),
        h: (y1 - y0).max(0.0),
    }
}

/// Whether the segment `p`–`q` passes through the interior of `r`
/// (Liang–Barsky clipping).
pub(super) fn segment_hits(r: &Rect, p: Point, q: Point) -> bool {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (den, num) in [
        (-dx, p.0 - r.x),
        (dx, r.x + r.w - p.0),
        (-dy, p.1 - r.y),
        (dy, r.y + r.h - p.1),
    ] {
        if den == 0.0 {
            if num <= 0.0 {
                return false;
            }
        } else {
            let t = num / den;
            if den < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t0 < t1
}
