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

use super::graph::Graph;

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
/// Wide enough for the legend.
const MIN_WIDTH: f64 = 460.0;
/// Room for the legend below the bands.
pub(super) const LEGEND_H: f64 = 40.0;
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
    /// Height of the drawing, legend included.
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
}

impl<'a> Layout<'a> {
    /// Lays out `g`.
    pub fn of(g: &Graph<'a>) -> Self {
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
                let mut chain = vec![top];
                for layer in items[top].layer + 1..items[bottom].layer {
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
                Some(Chain {
                    items: chain,
                    upward: la > lb,
                })
            })
            .collect();
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
        place_x(&layers, &mut items, &up, &down);

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
        let width = (right + BAND_PAD + MARGIN).max(MIN_WIDTH);
        let mut bands = Vec::with_capacity(g.zones.len());
        let mut y = MARGIN;
        for (b, zone) in g.zones.iter().enumerate() {
            let top = y;
            y += BAND_LABEL + BAND_PAD;
            for l in first_layer[b]..first_layer[b + 1] {
                if l > first_layer[b] {
                    y += LAYER_GAP;
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
                    w: width - 2.0 * MARGIN,
                    h: y - top,
                },
            });
            y += BAND_GAP;
        }
        let height = y - BAND_GAP + MARGIN + LEGEND_H;
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
        let routes = g
            .edges
            .iter()
            .enumerate()
            .map(|(e, edge)| match &chains[e] {
                Some(c) => chain_route(c, ports[e], &items, &boxes, &layer_top, &layer_h),
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

/// Orders each layer by barycenter sweeps and keeps the best order found.
fn order(layers: &mut [Vec<usize>], items: &[Item], up: &[Vec<usize>], down: &[Vec<usize>]) {
    let mut pos = vec![0.0; items.len()];
    let index = |layers: &[Vec<usize>], pos: &mut [f64]| {
        for layer in layers {
            for (p, &i) in layer.iter().enumerate() {
                pos[i] = p as f64;
            }
        }
    };
    index(layers, &mut pos);
    let mut best = layers.to_vec();
    let mut best_crossings = crossings(layers, down, &pos);
    for _ in 0..SWEEPS {
        for layer in layers.iter_mut().skip(1) {
            sort_layer(layer, items, up, &mut pos);
        }
        for l in (0..layers.len().saturating_sub(1)).rev() {
            sort_layer(&mut layers[l], items, down, &mut pos);
        }
        let c = crossings(layers, down, &pos);
        if c < best_crossings {
            best_crossings = c;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
}

/// Sorts one layer by the mean position of each item's neighbours in `nbrs`;
/// an item without any keeps its place.
fn sort_layer(layer: &mut [usize], items: &[Item], nbrs: &[Vec<usize>], pos: &mut [f64]) {
    let bary = |i: usize| {
        let n = &nbrs[i];
        if n.is_empty() {
            pos[i]
        } else {
            n.iter().map(|&j| pos[j]).sum::<f64>() / n.len() as f64
        }
    };
    let mut keyed: Vec<(f64, usize)> = layer.iter().map(|&i| (bary(i), i)).collect();
    keyed.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then_with(|| items[a.1].key.cmp(&items[b.1].key))
            .then(a.1.cmp(&b.1))
    });
    for (p, (_, i)) in keyed.into_iter().enumerate() {
        layer[p] = i;
        pos[i] = p as f64;
    }
}

/// Edge crossings between consecutive layers.
fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[f64]) -> usize {
    let mut total = 0;
    for layer in layers {
        let segs: Vec<(f64, f64)> = layer
            .iter()
            .flat_map(|&i| down[i].iter().map(move |&j| (pos[i], pos[j])))
            .collect();
        for (k, a) in segs.iter().enumerate() {
            total += segs[k + 1..]
                .iter()
                .filter(|b| (a.0 - b.0) * (a.1 - b.1) < 0.0)
                .count();
        }
    }
    total
}

/// Sets horizontal centres: packed layers first, then passes that pull each
/// layer towards its neighbours above (down pass) or below (up pass).
fn place_x(layers: &[Vec<usize>], items: &mut [Item], up: &[Vec<usize>], down: &[Vec<usize>]) {
    let gap = |a: &Item, b: &Item| {
        let space = if a.node.is_some() && b.node.is_some() {
            BOX_GAP
        } else {
            SLOT_GAP
        };
        a.w / 2.0 + a.extra + space + b.w / 2.0
    };
    let mut widest: f64 = 0.0;
    for layer in layers.iter() {
        let mut x = 0.0;
        for (p, &i) in layer.iter().enumerate() {
            if p > 0 {
                x += gap(&items[layer[p - 1]], &items[i]);
            }
            items[i].x = x;
        }
        widest = widest.max(x);
    }
    for layer in layers.iter() {
        let last = layer.last().map_or(0.0, |&i| items[i].x);
        for &i in layer {
            items[i].x += (widest - last) / 2.0;
        }
    }
    for pass in 0..=2 * SWEEPS {
        let down_pass = pass % 2 == 0;
        let range: Vec<usize> = if down_pass {
            (0..layers.len()).collect()
        } else {
            (0..layers.len()).rev().collect()
        };
        for l in range {
            let layer = &layers[l];
            let mut want = Vec::with_capacity(layer.len());
            for &i in layer {
                let nbrs: Vec<usize> = if pass == 2 * SWEEPS {
                    up[i].iter().chain(&down[i]).copied().collect()
                } else if down_pass {
                    up[i].clone()
                } else {
                    down[i].clone()
                };
                let weight = if items[i].node.is_some() { 1.0 } else { 2.0 };
                want.push(if nbrs.is_empty() {
                    (items[i].x, 0.1)
                } else {
                    let mean = nbrs.iter().map(|&j| items[j].x).sum::<f64>() / nbrs.len() as f64;
                    (mean, weight)
                });
            }
            let gaps: Vec<f64> = layer
                .windows(2)
                .map(|w| gap(&items[w[0]], &items[w[1]]))
                .collect();
            for (&i, x) in layer.iter().zip(fit_in_order(&want, &gaps)) {
                items[i].x = x;
            }
        }
    }
    let left = items
        .iter()
        .map(|it| it.x - it.w / 2.0)
        .fold(f64::INFINITY, f64::min);
    for it in items.iter_mut() {
        it.x += MARGIN + BAND_PAD - left;
    }
}

/// Positions closest (weighted least squares) to the wanted ones such that
/// consecutive positions are at least `gaps` apart: substituting away the
/// gaps makes it an isotonic regression, solved by pool-adjacent-violators.
fn fit_in_order(want: &[(f64, f64)], gaps: &[f64]) -> Vec<f64> {
    let mut offset = Vec::with_capacity(want.len());
    let mut acc = 0.0;
    for k in 0..want.len() {
        if k > 0 {
            acc += gaps[k - 1];
        }
        offset.push(acc);
    }
    // Blocks of (weighted mean, total weight, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for (k, &(x, w)) in want.iter().enumerate() {
        blocks.push((x - offset[k], w, 1));
        while blocks.len() > 1 && blocks[blocks.len() - 2].0 > blocks[blocks.len() - 1].0 {
            let (m2, w2, n2) = blocks.pop().unwrap_or_default();
            let last = blocks.len() - 1;
            let (m1, w1, n1) = blocks[last];
            blocks[last] = ((m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2);
        }
    }
    blocks
        .iter()
        .flat_map(|&(m, _, n)| std::iter::repeat_n(m, n))
        .zip(offset)
        .map(|(y, o)| y + o)
        .collect()
}

/// Where each cross-layer flow leaves its top box's bottom and enters its
/// bottom box's top: ports spread over the side in the order of the other
/// ends, so parallel flows stay apart.
fn ports(items: &[Item], chains: &[Option<Chain>]) -> Vec<(f64, f64)> {
    // (item, is bottom side) -> [(other end's x, edge)]
    let mut sides: std::collections::BTreeMap<(usize, bool), Vec<(f64, usize)>> =
        std::collections::BTreeMap::new();
    for (e, c) in chains.iter().enumerate() {
        if let Some(c) = c {
            let n = c.items.len();
            let (top, bottom) = (c.items[0], c.items[n - 1]);
            sides
                .entry((top, true))
                .or_default()
                .push((items[c.items[1]].x, e));
            sides
                .entry((bottom, false))
                .or_default()
                .push((items[c.items[n - 2]].x, e));
        }
    }
    let mut ports = vec![(0.0, 0.0); chains.len()];
    for ((item, bottom_side), mut ends) in sides {
        ends.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let k = ends.len();
        let it = &items[item];
        let step = if k > 1 {
            ((it.w - 28.0) / (k - 1) as f64).clamp(0.0, 18.0)
        } else {
            0.0
        };
        for (j, (_, e)) in ends.into_iter().enumerate() {
            let x = it.x + (j as f64 - (k - 1) as f64 / 2.0) * step;
            if bottom_side {
                ports[e].0 = x;
            } else {
                ports[e].1 = x;
            }
        }
    }
    ports
}

/// A flow across layers: from the top box's bottom port, straight down
/// through each waypoint slot, into the bottom box's top port; reversed for
/// a flow going up. Curves between layers keep their y monotone, so they stay
/// in the gap.
fn chain_route(
    c: &Chain,
    (top_port, bottom_port): (f64, f64),
    items: &[Item],
    boxes: &[Rect],
    layer_top: &[f64],
    layer_h: &[f64],
) -> Vec<Cubic> {
    let n = c.items.len();
    let top = &boxes[c.items[0]];
    let bottom = &boxes[c.items[n - 1]];
    let mut pts = vec![(top_port, top.y + top.h)];
    for &d in &c.items[1..n - 1] {
        let it = &items[d];
        pts.push((it.x, layer_top[it.layer]));
        pts.push((it.x, layer_top[it.layer] + layer_h[it.layer]));
    }
    pts.push((bottom_port, bottom.y));
    let mut route: Vec<Cubic> = pts
        .windows(2)
        .enumerate()
        .map(|(k, w)| {
            let (p, q) = (w[0], w[1]);
            if k % 2 == 0 {
                let mid = (p.1 + q.1) / 2.0;
                [p, (p.0, mid), (q.0, mid), q]
            } else {
                line(p, q)
            }
        })
        .collect();
    if c.upward {
        route.reverse();
        for seg in &mut route {
            seg.reverse();
        }
    }
    route
}

fn line(p: Point, q: Point) -> Cubic {
    let at = |t: f64| (p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t);
    [p, at(1.0 / 3.0), at(2.0 / 3.0), q]
}

/// A loop out of a box's right side and back.
fn self_loop(b: &Rect) -> Vec<Cubic> {
    let (r, cy) = (b.x + b.w, b.y + b.h / 2.0);
    vec![[
        (r, cy - 8.0),
        (r + LOOP_W, cy - 30.0),
        (r + LOOP_W, cy + 30.0),
        (r, cy + 8.0),
    ]]
}

/// A flow between two boxes of one layer: straight from side to side when
/// they are neighbours, else an arc under the layer.
fn side_route(a: &Rect, b: &Rect, boxes_between: bool) -> Vec<Cubic> {
    let rightwards = a.x < b.x;
    if boxes_between {
        let y = a.y + a.h;
        let (xa, xb) = (a.x + a.w / 2.0, b.x + b.w / 2.0);
        let dip = if rightwards { 36.0 } else { 48.0 };
        return vec![[(xa, y), (xa, y + dip), (xb, y + dip), (xb, y)]];
    }
    let y = a.y + a.h / 2.0 + if rightwards { -6.0 } else { 6.0 };
    let (xa, xb) = if rightwards {
        (a.x + a.w, b.x)
    } else {
        (a.x, b.x + b.w)
    };
    vec![line((xa, y), (xb, y))]
}

/// Points along a route, `steps` per segment (for hit tests and labels).
pub(super) fn sample(route: &[Cubic], steps: usize) -> Vec<Point> {
    let mut pts = Vec::with_capacity(route.len() * steps + 1);
    for (k, c) in route.iter().enumerate() {
        for s in usize::from(k > 0)..=steps {
            pts.push(bezier(c, s as f64 / steps as f64));
        }
    }
    pts
}

fn bezier(c: &Cubic, t: f64) -> Point {
    let u = 1.0 - t;
    let (a, b, cc, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    (
        a * c[0].0 + b * c[1].0 + cc * c[2].0 + d * c[3].0,
        a * c[0].1 + b * c[1].1 + cc * c[2].1 + d * c[3].1,
    )
}
