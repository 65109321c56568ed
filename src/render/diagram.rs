//! The data-flow diagram: an automatic layered layout drawn as inline SVG, so
//! no Graphviz is needed. Trust zones are horizontal bands (enclosing boxes),
//! data flows run left to right by their longest-path rank, and a flow whose
//! ends lie in different zones is drawn as a boundary crossing.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::context::element_anchor;
use crate::check::coverage::crosses_boundary;
use crate::model::{ComponentKind, Flow, Model};

const NODE_W: f64 = 160.0;
const NODE_H: f64 = 50.0;
const COL_GAP: f64 = 72.0;
const ROW_GAP: f64 = 30.0;
const BAND_GAP: f64 = 44.0;
const MAX_COLS: usize = 5;
/// Wide enough for the legend.
const MIN_WIDTH: f64 = 420.0;
const BAND_PAD: f64 = 18.0;
const BAND_LABEL: f64 = 22.0;
const MARGIN: f64 = 12.0;
const MAX_LABEL: usize = 24;

/// A box in the diagram: a component of this model, or one of another model
/// that a flow reaches (`model/component`).
struct Node<'a> {
    key: &'a str,
    name: &'a str,
    kind: &'static str,
    zone: Option<&'a str>,
    href: String,
    rank: usize,
    band: usize,
    x: f64,
    y: f64,
}

/// Draws the model's data-flow diagram; empty when it has no components.
pub fn render(m: &Model) -> String {
    if m.components.is_empty() {
        return String::new();
    }
    let mut nodes = nodes(m);
    let index: BTreeMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (n.key, i)).collect();
    let edges: Vec<(usize, usize, &Flow)> = m
        .flows
        .iter()
        .filter_map(|f| {
            Some((
                *index.get(f.from.0.as_str())?,
                *index.get(f.to.0.as_str())?,
                f,
            ))
        })
        .collect();
    let bands = place(&mut nodes, &edges, m);
    draw(m, &nodes, &edges, &bands)
}

fn nodes(m: &Model) -> Vec<Node<'_>> {
    let mut nodes: Vec<Node<'_>> = m
        .components
        .iter()
        .map(|c| Node {
            key: c.id.as_str(),
            name: c.name.as_str(),
            kind: c.kind.as_str(),
            zone: c.zone.as_ref().map(|z| z.as_str()),
            href: format!("#{}", element_anchor(c.id.as_str())),
            rank: 0,
            band: 0,
            x: 0.0,
            y: 0.0,
        })
        .collect();
    for f in &m.flows {
        for end in [&f.from, &f.to] {
            if let (Some(model), comp) = end.parts()
                && nodes.iter().all(|n| n.key != end.0.as_str())
            {
                nodes.push(Node {
                    key: end.0.as_str(),
                    name: end.0.as_str(),
                    kind: "other-model",
                    zone: None,
                    href: format!("{model}.html#{}", element_anchor(comp)),
                    rank: 0,
                    band: 0,
                    x: 0.0,
                    y: 0.0,
                });
            }
        }
    }
    nodes
}

/// Longest-path ranks over the flow graph with back edges (cycles such as
/// request/response pairs) ignored, found by a depth-first search in model order.
fn assign_ranks(nodes: &mut [Node<'_>], edges: &[(usize, usize, &Flow)]) {
    let n = nodes.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b, _) in edges {
        if a != b {
            out[a].push(b);
        }
    }
    // 0 = unvisited, 1 = on stack, 2 = done; `order` is a reverse postorder.
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
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
                order.push(v);
                stack.pop();
            }
        }
    }
    for &v in order.iter().rev() {
        for &w in &forward[v] {
            nodes[w].rank = nodes[w].rank.max(nodes[v].rank + 1);
        }
    }
}

/// A zone band: its label and vertical extent.
struct Band<'a> {
    zone: Option<&'a str>,
    top: f64,
    height: f64,
}

/// Sets node positions. Each zone is a horizontal band, in the model's zone
/// order (unzoned and other-model boxes last), so flows between zones run
/// down the page; inside a band, columns are ranks along the band's own flows
/// (left to right), and boxes of one rank are ordered by where their
/// neighbours above sit, so that edges cross less. A band without internal
/// flows is laid out as rows of up to [`MAX_COLS`] boxes.
fn place<'a>(
    nodes: &mut [Node<'a>],
    edges: &[(usize, usize, &Flow)],
    m: &'a Model,
) -> Vec<Band<'a>> {
    let mut zones: Vec<Option<&str>> = m.zones.iter().map(|z| Some(z.as_str())).collect();
    for n in nodes.iter() {
        if !zones.contains(&n.zone) {
            zones.push(n.zone);
        }
    }
    let local: Vec<(usize, usize, &Flow)> = edges
        .iter()
        .copied()
        .filter(|&(a, b, _)| nodes[a].zone == nodes[b].zone)
        .collect();
    assign_ranks(nodes, &local);
    let mut placed = vec![false; nodes.len()];
    let mut bands = Vec::new();
    let mut top = MARGIN;
    for (band, zone) in zones.into_iter().enumerate() {
        let members: Vec<usize> = (0..nodes.len())
            .filter(|&i| nodes[i].zone == zone)
            .collect();
        if members.is_empty() {
            continue;
        }
        let mut keyed: Vec<(usize, f64, usize)> = members
            .iter()
            .map(|&i| {
                let xs: Vec<f64> = edges
                    .iter()
                    .filter_map(|&(a, b, _)| match (a == i, b == i) {
                        (true, false) if placed[b] => Some(nodes[b].x),
                        (false, true) if placed[a] => Some(nodes[a].x),
                        _ => None,
                    })
                    .collect();
                let bary = if xs.is_empty() {
                    f64::MAX
                } else {
                    xs.iter().sum::<f64>() / xs.len() as f64
                };
                (nodes[i].rank, bary, i)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
        let flat = keyed.iter().all(|k| k.0 == 0);
        let mut per_col: Vec<usize> = Vec::new();
        let mut rows = 0;
        for (pos, &(rank, _, i)) in keyed.iter().enumerate() {
            let (col, row) = if flat {
                (pos % MAX_COLS, pos / MAX_COLS)
            } else {
                if per_col.len() <= rank {
                    per_col.resize(rank + 1, 0);
                }
                per_col[rank] += 1;
                (rank, per_col[rank] - 1)
            };
            rows = rows.max(row + 1);
            nodes[i].band = band;
            nodes[i].x = MARGIN + BAND_PAD + col as f64 * (NODE_W + COL_GAP);
            nodes[i].y = top + BAND_LABEL + BAND_PAD + row as f64 * (NODE_H + ROW_GAP);
            placed[i] = true;
        }
        let height =
            BAND_LABEL + 2.0 * BAND_PAD + rows as f64 * NODE_H + (rows - 1) as f64 * ROW_GAP;
        bands.push(Band { zone, top, height });
        top += height + BAND_GAP;
    }
    bands
}

fn draw(
    m: &Model,
    nodes: &[Node<'_>],
    edges: &[(usize, usize, &Flow)],
    bands: &[Band<'_>],
) -> String {
    let right = nodes.iter().map(|n| n.x + NODE_W).fold(0.0, f64::max);
    let width = (right + BAND_PAD + MARGIN).max(MIN_WIDTH);
    let height = bands.last().map_or(0.0, |b| b.top + b.height) + MARGIN + 40.0;
    let mut s = String::with_capacity(4096);
    let _ = write!(
        s,
        r#"<svg class="dfd" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="dfd-title-{id}"><title id="dfd-title-{id}">Data-flow diagram of {title}</title>"#,
        id = esc(m.id.as_str()),
        title = esc(&m.title),
    );
    s.push_str(r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="arrowhead"/></marker></defs>"#);
    for b in bands {
        let w = width - 2.0 * MARGIN;
        match b.zone {
            Some(z) => {
                let _ = write!(
                    s,
                    r#"<g class="zone"><rect x="{MARGIN}" y="{}" width="{w}" height="{}" rx="8"/><text x="{}" y="{}">zone: {}</text></g>"#,
                    b.top,
                    b.height,
                    MARGIN + 10.0,
                    b.top + 16.0,
                    esc(z)
                );
            }
            None => {
                let _ = write!(
                    s,
                    r#"<g class="zone unzoned"><text x="{}" y="{}">no zone / other models</text></g>"#,
                    MARGIN + 10.0,
                    b.top + 16.0
                );
            }
        }
    }
    let mut labels = String::new();
    for &(a, b, f) in edges {
        draw_edge(
            &mut s,
            &mut labels,
            &nodes[a],
            &nodes[b],
            f,
            crosses_boundary(m, f),
        );
    }
    for n in nodes {
        draw_node(&mut s, n);
    }
    s.push_str(&labels);
    let _ = write!(
        s,
        r#"<g class="legend" transform="translate({MARGIN} {})"><line x1="0" y1="0" x2="34" y2="0" class="flow"/><text x="40" y="4">data flow</text><line x1="130" y1="0" x2="164" y2="0" class="flow crossing"/><text x="170" y="4">crosses a trust boundary</text></g>"#,
        height - 20.0
    );
    s.push_str("</svg>");
    s
}

fn draw_node(s: &mut String, n: &Node<'_>) {
    let (x, y) = (n.x, n.y);
    let shape = match n.kind {
        k if k == ComponentKind::Datastore.as_str() => format!(
            r#"<path d="M{x} {y}h{NODE_W}M{x} {y2}h{NODE_W}" class="store-lines"/><rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" class="body"/>"#,
            y2 = y + NODE_H
        ),
        k if k == ComponentKind::Human.as_str() || k == ComponentKind::External.as_str() => {
            format!(
                r#"<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="2" class="body"/>"#
            )
        }
        _ => format!(
            r#"<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="14" class="body"/>"#
        ),
    };
    let _ = write!(
        s,
        r#"<a href="{href}" class="node k-{kind}"><title>{name} ({kind})</title>{shape}<text x="{cx}" y="{ty}" class="name">{short}</text><text x="{cx}" y="{ky}" class="kind">{kind}</text></a>"#,
        href = esc(&n.href),
        kind = n.kind,
        name = esc(n.name),
        cx = x + NODE_W / 2.0,
        ty = y + 22.0,
        ky = y + 39.0,
        short = esc(&truncate(n.name, 22)),
    );
}

fn draw_edge(
    s: &mut String,
    labels: &mut String,
    a: &Node<'_>,
    b: &Node<'_>,
    f: &Flow,
    crossing: bool,
) {
    let (p0, p1, p2, p3) = if a.band == b.band && b.x > a.x {
        // Along the band: right side to left side.
        let (x0, y0) = (a.x + NODE_W, a.y + NODE_H / 2.0);
        let (x3, y3) = (b.x, b.y + NODE_H / 2.0);
        let dx = (x3 - x0) / 2.0;
        ((x0, y0), (x0 + dx, y0), (x3 - dx, y3), (x3, y3))
    } else if a.y + NODE_H < b.y {
        // Down the page, out of the bottom into the top.
        let (x0, y0) = (a.x + NODE_W / 2.0 - 10.0, a.y + NODE_H);
        let (x3, y3) = (b.x + NODE_W / 2.0 - 10.0, b.y);
        let dy = (y3 - y0) / 2.0;
        ((x0, y0), (x0, y0 + dy), (x3, y3 - dy), (x3, y3))
    } else if b.y + NODE_H < a.y {
        // Up the page (a reply or a callback): beside the downward edges.
        let (x0, y0) = (a.x + NODE_W / 2.0 + 10.0, a.y);
        let (x3, y3) = (b.x + NODE_W / 2.0 + 10.0, b.y + NODE_H);
        let dy = (y0 - y3) / 2.0;
        ((x0, y0), (x0, y0 - dy), (x3, y3 + dy), (x3, y3))
    } else {
        // Same row, backwards: leave and arrive through the bottom, curving below.
        let (x0, y0) = (a.x + NODE_W * 0.35, a.y + NODE_H);
        let (x3, y3) = (b.x + NODE_W * 0.65, b.y + NODE_H);
        let dip = 26.0 + (x0 - x3).abs() * 0.1;
        (
            (x0, y0),
            (x0, y0.max(y3) + dip),
            (x3, y0.max(y3) + dip),
            (x3, y3),
        )
    };
    let class = if crossing { "flow crossing" } else { "flow" };
    // The box label stays short (name, else protocol, else id); the tooltip has it all.
    let label = f
        .name
        .as_deref()
        .or(f.protocol.as_deref())
        .unwrap_or(f.id.as_str());
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
    let _ = write!(
        s,
        r##"<a href="#{anchor}" class="edge"><title>{full}{cross}</title><path d="M{:.1} {:.1}C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}" class="{class}" marker-end="url(#arrow)"/></a>"##,
        p0.0,
        p0.1,
        p1.0,
        p1.1,
        p2.0,
        p2.1,
        p3.0,
        p3.1,
        anchor = esc(&element_anchor(f.id.as_str())),
        full = esc(&full),
        cross = if crossing {
            " — crosses a trust boundary"
        } else {
            ""
        },
    );
    let mx = (p0.0 + 3.0 * p1.0 + 3.0 * p2.0 + p3.0) / 8.0;
    let my = (p0.1 + 3.0 * p1.1 + 3.0 * p2.1 + p3.1) / 8.0;
    let short = truncate(label, MAX_LABEL);
    let w = short.chars().count() as f64 * 6.2 + 8.0;
    let _ = write!(
        labels,
        r#"<g class="flow-label{extra}"><rect x="{:.1}" y="{:.1}" width="{w:.1}" height="15" rx="3"/><text x="{mx:.1}" y="{:.1}">{}</text></g>"#,
        mx - w / 2.0,
        my - 8.0,
        my + 3.5,
        esc(&short),
        extra = if crossing { " crossing" } else { "" },
    );
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut t: String = text.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// Escapes text for SVG/HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(yaml: &str) -> Model {
        serde_saphyr::from_str(yaml).unwrap()
    }

    const SMALL: &str = r#"
tm: 1
id: m
title: "M <b>"
status: draft
risk: low
zones: [outside, inside]
components:
  - { id: web, name: "Web <script>", kind: client, zone: outside }
  - { id: api, name: API, kind: service, zone: inside }
  - { id: db, name: DB, kind: datastore, zone: inside }
flows:
  - { id: f1, from: web, to: api, protocol: HTTPS }
  - { id: f2, from: api, to: db }
  - { id: f3, from: db, to: api }
"#;

    #[test]
    fn ranks_follow_flows_and_ignore_back_edges() {
        let m = model(SMALL);
        let mut nodes = nodes(&m);
        let edges: Vec<_> = vec![
            (0, 1, &m.flows[0]),
            (1, 2, &m.flows[1]),
            (2, 1, &m.flows[2]),
        ];
        assign_ranks(&mut nodes, &edges);
        assert_eq!(
            nodes.iter().map(|n| n.rank).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        let mut nodes = super::nodes(&m);
        let bands = place(&mut nodes, &edges, &m);
        assert_eq!(bands.len(), 2, "one band per zone");
        assert!(nodes[0].y < nodes[1].y, "outside above inside");
        assert!(nodes[1].x < nodes[2].x, "api left of db inside its zone");
    }

    #[test]
    fn escapes_model_text_and_marks_crossings() {
        let m = model(SMALL);
        let svg = render(&m);
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("Web &lt;script&gt;"));
        assert_eq!(
            svg.matches("class=\"flow crossing\"").count(),
            2,
            "f1 and the legend"
        );
    }
}
