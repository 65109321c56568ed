//! Steps 3 and 4 of the layout: the order of the slots in each layer, and
//! their horizontal positions.

use super::{BAND_PAD, BOX_GAP, Item, MARGIN, SLOT_GAP, SWEEPS};

/// Orders each layer by barycenter sweeps and keeps the best order found.
pub(super) fn order(
    layers: &mut [Vec<usize>],
    items: &[Item],
    up: &[Vec<usize>],
    down: &[Vec<usize>],
) {
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

/// Edge crossings between consecutive layers: pairs of segments whose ends
/// are in opposite orders. Counted as inversions (sort by the upper end, a
/// Fenwick tree over the lower ends), O(s log s) for s segments: a diagram of
/// thousands of flows is counted nine times per layout.
fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[f64]) -> usize {
    let mut total = 0;
    for layer in layers {
        let mut segs: Vec<(f64, f64)> = layer
            .iter()
            .flat_map(|&i| down[i].iter().map(move |&j| (pos[i], pos[j])))
            .collect();
        total += inversions(&mut segs);
    }
    total
}

/// Pairs `a`, `b` with `a.0 < b.0` and `a.1 > b.1` (ties cross nothing).
fn inversions(segs: &mut [(f64, f64)]) -> usize {
    segs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut lows: Vec<f64> = segs.iter().map(|s| s.1).collect();
    lows.sort_by(f64::total_cmp);
    lows.dedup();
    let rank = |y: f64| lows.partition_point(|&l| l < y);
    // tree[k] counts inserted lower ends by rank (1-based Fenwick tree).
    let mut tree = vec![0usize; lows.len() + 1];
    let mut inserted = 0;
    let mut total = 0;
    let mut start = 0;
    while start < segs.len() {
        // Segments sharing an upper end do not cross each other: query the
        // whole group before inserting it.
        let end = start
            + segs[start..]
                .iter()
                .take_while(|s| s.0 == segs[start].0)
                .count();
        for s in &segs[start..end] {
            // Inserted so far with a lower end at or below this one's.
            let mut k = rank(s.1) + 1;
            let mut at_or_below = 0;
            while k > 0 {
                at_or_below += tree[k];
                k &= k - 1;
            }
            total += inserted - at_or_below;
        }
        for s in &segs[start..end] {
            let mut k = rank(s.1) + 1;
            while k < tree.len() {
                tree[k] += 1;
                k += k & k.wrapping_neg();
            }
            inserted += 1;
        }
        start = end;
    }
    total
}

/// Sets horizontal centres: packed layers first, then passes that pull each
/// layer towards its neighbours above (down pass) or below (up pass); the
/// spaces between slots are `spread` times their normal size.
pub(super) fn place_x(
    layers: &[Vec<usize>],
    items: &mut [Item],
    up: &[Vec<usize>],
    down: &[Vec<usize>],
    spread: f64,
) {
    let gap = |a: &Item, b: &Item| {
        let space = spread
            * if a.node.is_some() && b.node.is_some() {
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

#[cfg(test)]
mod tests {
    use super::inversions;

    #[test]
    fn inversions_match_the_pairwise_count() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for n in [0, 1, 2, 7, 50, 300] {
            let mut segs: Vec<(f64, f64)> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ((x % 9) as f64, ((x >> 32) % 9) as f64)
                })
                .collect();
            let mut naive = 0;
            for (k, a) in segs.iter().enumerate() {
                naive += segs[k + 1..]
                    .iter()
                    .filter(|b| (a.0 - b.0) * (a.1 - b.1) < 0.0)
                    .count();
            }
            assert_eq!(inversions(&mut segs), naive, "n = {n}");
        }
    }
}
