//! Where everything goes: a layered layout in the manner of Sugiyama et al.
//!
//! 1. Layers: each zone is a band of consecutive layers; inside it a box's
//!    layer is its longest-path rank along the zone's own flows (cycles are
//!    broken at their back edges).
//! 2. A flow that skips layers gets a waypoint in each layer in between, which
//!    takes a slot there like a narrow box.
//! 3. Order within layers: barycenter sweeps, keeping the order with the
//!    fewest crossings; ties by id, so the result is deterministic.
//! 4. Positions: each layer is pulled towards its neighbours' positions while
//!    keeping order and spacing (a weighted isotonic fit, pool-adjacent-violators).
//! 5. Routes: flows leave a box's bottom (or top, for flows going up) at
//!    spread-out ports and pass skipped layers through their slots, as chains
//!    of cubic curves that stay in the gaps between layers.

mod ordering;
mod route;

use super::graph::Graph;
use ordering::{order, place_x};
pub(super) use route::sample;
use route::{chain_route, ports, self_loop, side_route};

/// A point in diagram coordinates.
pub(super) type Point = (f64, f64);
/// A cubic Bézier segment: start, two control points, end.
pub(super) type Cubic = [Point; 4];

/// Outer margin of the drawing.
pub(super) const MARGIN: f64 = 12.0;
/// Space between a band's border and its boxes.
const BAND_PAD: f64 = 18.0;
/// Room for a band's zone label above its first layer.
const BAND_LABEL: f64 = 24.0;
/// Space between two bands.
const BAND_GAP: f64 = 36.0;
/// Space between two layers of one band (flow labels live there).
const LAYER_GAP: f64 = 64.0;
/// Space between two boxes of a layer.
const BOX_GAP: f64 = 52.0;
/// Space beside a flow's waypoint slot.
const SLOT_GAP: f64 = 16.0;
/// How far a self-loop reaches right of its box.
const LOOP_W: f64 = 40.0;
/// Space between the bands' right edge and the corridor's first lane.
const CORRIDOR_PAD: f64 = 14.0;
/// Space between two lanes of the corridor.
const LANE_W: f64 = 12.0;
/// The narrowest drawing.
const MIN_WIDTH: f64 = 460.0;
/// Barycenter sweeps (down and up) for the order, and placement passes.
const SWEEPS: usize = 8;

/// An axis-aligned rectangle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// Whether `p` lies strictly inside.
    pub fn contains(&self, p: Point) -> bool {
        p.0 > self.x && p.0 < self.x + self.w && p.1 > self.y && p.1 < self.y + self.h
    }

    /// Whether the two rectangles share interior area.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    /// The rectangle grown by `d` on every side.
    pub fn grow(&self, d: f64) -> Rect {
        Rect {
            x: self.x - d,
            y: self.y - d,
            w: self.w + 2.0 * d,
            h: self.h + 2.0 * d,
        }
    }
}

/// A zone's enclosing box.
pub(super) struct Band<'a> {
    /// The zone, `None` for unzoned components and other models.
    pub zone: Option<&'a str>,
    /// Its extent.
    pub rect: Rect,
}

/// Positions of everything in the diagram.
pub(super) struct Layout<'a> {
    /// One box per graph node, same index.
    pub boxes: Vec<Rect>,
    /// One band per zone, top to bottom.
    pub bands: Vec<Band<'a>>,
    /// One route per graph edge, same index, from the flow's source to its target.
    pub routes: Vec<Vec<Cubic>>,
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
}

/// A slot in a layer: a box, or a waypoint of a flow that skips the layer.
struct Item {
    node: Option<usize>,
    key: String,
    layer: usize,
    /// Width, and extra room on its right (for a self-loop).
    w: f64,
    extra: f64,
    /// Horizontal centre.
    x: f64,
}

/// A flow drawn across layers: its slots top to bottom, and whether it goes up.
struct Chain {
    items: Vec<usize>,
    upward: bool,
    /// For a flow between two zones that are not adjacent, where it leaves
    /// the bands to run down the corridor right of them, so it never passes
    /// through a zone that is neither its source's nor its target's.
    detour: Option<Detour>,
}

/// The corridor part of a flow: after `items[after]` (the last slot in the
/// top zone) the flow turns right into the gap below band `from_band`, runs
/// down lane `lane` of the corridor and turns back in the gap above band
/// `to_band`.
struct Detour {
    after: usize,
    from_band: usize,
    to_band: usize,
    lane: usize,
}

/// Where a detour runs: its lane's x, and the y of the gap it enters the
/// corridor in and the y of the gap it leaves it in.
#[derive(Clone, Copy)]
struct Corridor {
    x: f64,
    enter_y: f64,
    leave_y: f64,
}

impl<'a> Layout<'a> {
    /// Lays out `g`, with the gaps between layers and between boxes of a
    /// layer `spread` times their normal size.
    pub fn of(g: &Graph<'a>, spread: f64) -> Self {
        let band_of: Vec<usize> = g
            .nodes
            .iter()
            .map(|n| g.zones.iter().position(|z| *z == n.zone).unwrap_or(0))
            .collect();
        let local: Vec<(usize, usize)> = g
            .edges
            .iter()
            .filter(|e| band_of[e.from] == band_of[e.to])
            .map(|e| (e.from, e.to))
            .collect();
        let rank = ranks(g.nodes.len(), &local);
        let mut first_layer = vec![0; g.zones.len() + 1];
        for b in 0..g.zones.len() {
            let depth = (0..g.nodes.len())
                .filter(|&i| band_of[i] == b)
                .map(|i| rank[i] + 1)
                .max()
                .unwrap_or(0);
            first_layer[b + 1] = first_layer[b] + depth;
        }
        let n_layers = first_layer[g.zones.len()];
        let band_of_layer: Vec<usize> = (0..n_layers)
            .map(|l| first_layer.partition_point(|&f| f <= l).saturating_sub(1))
            .collect();

        let mut items: Vec<Item> = g
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| Item {
                node: Some(i),
                key: n.key.to_owned(),
                layer: first_layer[band_of[i]] + rank[i],
                w: n.w,
                extra: if g.edges.iter().any(|e| e.from == i && e.to == i) {
                    LOOP_W
                } else {
                    0.0
                },
                x: 0.0,
            })
            .collect();
        let chains: Vec<Option<Chain>> = g
            .edges
            .iter()
            .map(|e| {
                let (la, lb) = (items[e.from].layer, items[e.to].layer);
                if la == lb {
                    return None;
                }
                let (top, bottom) = if la < lb {
                    (e.from, e.to)
                } else {
                    (e.to, e.from)
                };
                let (from_band, to_band) = (band_of[top], band_of[bottom]);
                let mut chain = vec![top];
                let skipped = items[top].layer + 1..items[bottom].layer;
                for (layer, band) in band_of_layer
                    .iter()
                    .enumerate()
                    .take(skipped.end)
                    .skip(skipped.start)
                {
                    if ![from_band, to_band].contains(band) {
                        continue;
                    }
                    items.push(Item {
                        node: None,
                        key: e.flow.id.as_str().to_owned(),
                        layer,
                        w: 2.0,
                        extra: 0.0,
                        x: 0.0,
                    });
                    chain.push(items.len() - 1);
                }
                chain.push(bottom);
                let detour = (to_band > from_band + 1).then(|| Detour {
                    after: chain
                        .iter()
                        .take_while(|&&i| band_of_layer[items[i].layer] == from_band)
                        .count()
                        .saturating_sub(1),
                    from_band,
                    to_band,
                    lane: 0,
                });
                Some(Chain {
                    items: chain,
                    upward: la > lb,
                    detour,
                })
            })
            .collect();
        let mut chains = chains;
        let lanes = assign_lanes(&mut chains);
        let mut up: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
        let mut down: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
        for c in chains.iter().flatten() {
            for w in c.items.windows(2) {
                down[w[0]].push(w[1]);
                up[w[1]].push(w[0]);
            }
        }
        let mut layers: Vec<Vec<usize>> = vec![Vec::new(); n_layers];
        for (i, it) in items.iter().enumerate() {
            layers[it.layer].push(i);
        }
        order(&mut layers, &items, &up, &down);
        place_x(&layers, &mut items, &up, &down, spread);

        // Vertical positions: bands in zone order, layers inside them.
        let mut layer_top = vec![0.0; n_layers];
        let mut layer_h = vec![0.0f64; n_layers];
        for it in &items {
            if let Some(n) = it.node {
                layer_h[it.layer] = layer_h[it.layer].max(g.nodes[n].h);
            }
        }
        let right = items
            .iter()
            .map(|it| it.x + it.w / 2.0 + it.extra)
            .fold(0.0, f64::max);
        let corridor_w = if lanes == 0 {
            0.0
        } else {
            CORRIDOR_PAD + (lanes - 1) as f64 * LANE_W + CORRIDOR_PAD
        };
        let width = (right + BAND_PAD + corridor_w + MARGIN).max(MIN_WIDTH);
        // Bands span the drawing, less the corridor when there is one.
        let band_right = width - MARGIN - corridor_w;
        let mut bands = Vec::with_capacity(g.zones.len());
        let mut y = MARGIN;
        for (b, zone) in g.zones.iter().enumerate() {
            let top = y;
            y += BAND_LABEL + BAND_PAD;
            for l in first_layer[b]..first_layer[b + 1] {
                if l > first_layer[b] {
                    y += LAYER_GAP * spread;
                }
                layer_top[l] = y;
                y += layer_h[l];
            }
            y += BAND_PAD;
            bands.push(Band {
                zone: *zone,
                rect: Rect {
                    x: MARGIN,
                    y: top,
                    w: band_right - MARGIN,
                    h: y - top,
                },
            });
            y += BAND_GAP;
        }
        let height = y - BAND_GAP + MARGIN;
        let boxes: Vec<Rect> = items[..g.nodes.len()]
            .iter()
            .map(|it| Rect {
                x: it.x - it.w / 2.0,
                y: layer_top[it.layer],
                w: it.w,
                h: layer_h[it.layer],
            })
            .collect();

        let ports = ports(&items, &chains);
        let corridor = |d: &Detour| Corridor {
            x: band_right + CORRIDOR_PAD + d.lane as f64 * LANE_W,
            enter_y: bands[d.from_band].rect.y + bands[d.from_band].rect.h + BAND_GAP / 2.0,
            leave_y: bands[d.to_band].rect.y - BAND_GAP / 2.0,
        };
        let routes = g
            .edges
            .iter()
            .enumerate()
            .map(|(e, edge)| match &chains[e] {
                Some(c) => chain_route(
                    c,
                    ports[e],
                    c.detour.as_ref().map(&corridor),
                    &items,
                    &boxes,
                    &layer_top,
                    &layer_h,
                ),
                None if edge.from == edge.to => self_loop(&boxes[edge.from]),
                None => {
                    let layer = &layers[items[edge.from].layer];
                    let (pa, pb) = (pos(layer, edge.from), pos(layer, edge.to));
                    let between = layer[pa.min(pb) + 1..pa.max(pb)]
                        .iter()
                        .any(|&i| items[i].node.is_some());
                    side_route(&boxes[edge.from], &boxes[edge.to], between)
                }
            })
            .collect();
        Layout {
            boxes,
            bands,
            routes,
            width,
            height,
        }
    }
}

/// Gives each detour a lane of the corridor, re-using a lane once the flows
/// already in it have left it above (greedy interval colouring, in the
/// flows' order by the band they start in, so it is deterministic), and
/// returns the number of lanes.
fn assign_lanes(chains: &mut [Option<Chain>]) -> usize {
    let mut order: Vec<usize> = (0..chains.len())
        .filter(|&e| chains[e].as_ref().is_some_and(|c| c.detour.is_some()))
        .collect();
    let span = |c: &Option<Chain>| {
        c.as_ref()
            .and_then(|c| c.detour.as_ref())
            .map_or((0, 0), |d| (d.from_band, d.to_band))
    };
    order.sort_by_key(|&e| (span(&chains[e]), e));
    // The band each lane's last flow leaves the corridor above.
    let mut lane_free_from: Vec<usize> = Vec::new();
    for e in order {
        let (from, to) = span(&chains[e]);
        let lane = match lane_free_from.iter().position(|&free| free <= from) {
            Some(l) => {
                lane_free_from[l] = to;
                l
            }
            None => {
                lane_free_from.push(to);
                lane_free_from.len() - 1
            }
        };
        if let Some(d) = chains[e].as_mut().and_then(|c| c.detour.as_mut()) {
            d.lane = lane;
        }
    }
    lane_free_from.len()
}

fn pos(layer: &[usize], item: usize) -> usize {
    layer.iter().position(|&i| i == item).unwrap_or(0)
}

/// Longest-path ranks over `edges` with back edges (cycles such as
/// request/response pairs) ignored, found by a depth-first search in model order.
pub(super) fn ranks(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a != b {
            out[a].push(b);
        }
    }
    // 0 = unvisited, 1 = on stack, 2 = done; `finished` is a postorder.
    let mut state = vec![0u8; n];
    let mut finished = Vec::with_capacity(n);
    let mut forward: Vec<Vec<usize>> = vec![Vec::new(); n];
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if let Some(&w) = out[v].get(*i) {
                *i += 1;
                match state[w] {
                    0 => {
                        forward[v].push(w);
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    2 => forward[v].push(w),
                    _ => {} // back edge: skip
                }
            } else {
                state[v] = 2;
                finished.push(v);
                stack.pop();
            }
        }
    }
    let mut rank = vec![0; n];
    for &v in finished.iter().rev() {
        for &w in &forward[v] {
            rank[w] = rank[w].max(rank[v] + 1);
        }
    }
    rank
}
