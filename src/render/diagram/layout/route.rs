//! Step 5 of the layout: the curves each flow is drawn along.

use super::{Chain, Corridor, Cubic, Item, LOOP_W, Point, Rect};

/// Where each cross-layer flow leaves its top box's bottom and enters its
/// bottom box's top: ports spread over the side in the order of the other
/// ends, so parallel flows stay apart.
pub(super) fn ports(items: &[Item], chains: &[Option<Chain>]) -> Vec<(f64, f64)> {
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
/// in the gap. A flow with a corridor leaves its top zone in the gap below
/// it, runs down the corridor right of the zones in between and enters its
/// bottom zone from the gap above it.
pub(super) fn chain_route(
    c: &Chain,
    (top_port, bottom_port): (f64, f64),
    corridor: Option<Corridor>,
    items: &[Item],
    boxes: &[Rect],
    layer_top: &[f64],
    layer_h: &[f64],
) -> Vec<Cubic> {
    let n = c.items.len();
    let top = &boxes[c.items[0]];
    let bottom = &boxes[c.items[n - 1]];
    // (where the flow enters the slot, where it leaves it), top to bottom.
    let mut stations = vec![((top_port, top.y), (top_port, top.y + top.h))];
    for &d in &c.items[1..n - 1] {
        let it = &items[d];
        stations.push((
            (it.x, layer_top[it.layer]),
            (it.x, layer_top[it.layer] + layer_h[it.layer]),
        ));
    }
    stations.push(((bottom_port, bottom.y), (bottom_port, bottom.y + bottom.h)));
    let after = c.detour.as_ref().map(|d| d.after);
    let mut route: Vec<Cubic> = Vec::with_capacity(2 * n);
    for (k, w) in stations.windows(2).enumerate() {
        if k > 0 {
            route.push(line(w[0].0, w[0].1));
        }
        let (p, q) = (w[0].1, w[1].0);
        match corridor.filter(|_| after == Some(k)) {
            Some(cor) => {
                let enter = (cor.x, cor.enter_y);
                let leave = (cor.x, cor.leave_y);
                route.push(bend(p, enter));
                route.push(line(enter, leave));
                route.push(bend(leave, q));
            }
            None => route.push(bend(p, q)),
        }
    }
    if c.upward {
        route.reverse();
        for seg in &mut route {
            seg.reverse();
        }
    }
    route
}

/// A curve from `p` down to `q` that leaves and arrives vertically, its y
/// monotone.
fn bend(p: Point, q: Point) -> Cubic {
    let mid = (p.1 + q.1) / 2.0;
    [p, (p.0, mid), (q.0, mid), q]
}

fn line(p: Point, q: Point) -> Cubic {
    let at = |t: f64| (p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t);
    [p, at(1.0 / 3.0), at(2.0 / 3.0), q]
}

/// A loop out of a box's right side and back.
pub(super) fn self_loop(b: &Rect) -> Vec<Cubic> {
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
pub(super) fn side_route(a: &Rect, b: &Rect, boxes_between: bool) -> Vec<Cubic> {
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
pub(in crate::render::diagram) fn sample(route: &[Cubic], steps: usize) -> Vec<Point> {
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
