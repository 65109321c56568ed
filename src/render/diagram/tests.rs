use super::graph::Graph;
use super::layout::{Layout, ranks, sample};
use super::text::wrap_name;
use super::{crosses_boundary, labels, render};
use crate::model::Model;

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

/// Self-loops, another model's component, a long name, a flow skipping a
/// zone, flows in both directions, an unzoned component.
const AWKWARD: &str = r#"
tm: 1
id: awkward
title: Awkward
status: draft
risk: low
zones: [a, b, c]
components:
  - { id: top, name: "An extraordinarily long component name that goes on and on", kind: client, zone: a }
  - { id: mid, name: Middle, kind: service, zone: b }
  - { id: mid2, name: Middle two, kind: service, zone: b }
  - { id: low, name: Low, kind: datastore, zone: c }
  - { id: loose, name: Loose, kind: function }
flows:
  - { id: skip, name: "Skips the middle zone entirely and has a very long label, longer than forty", from: top, to: low }
  - { id: back, from: low, to: top }
  - { id: self, from: mid, to: mid }
  - { id: out, from: mid2, to: billing/ledger, protocol: gRPC }
  - { id: in, from: billing/ledger, to: top }
  - { id: loose-in, from: top, to: loose }
"#;

fn payments() -> Model {
    model(include_str!("../../../models/payments-api.yaml"))
}

fn marketplace() -> Model {
    model(include_str!(
        "../../../tests/fixtures/site/models/marketplace.yaml"
    ))
}

#[test]
fn ranks_follow_flows_and_ignore_back_edges() {
    assert_eq!(ranks(3, &[(0, 1), (1, 2), (2, 1)]), vec![0, 1, 2]);
    assert_eq!(ranks(3, &[(0, 1), (1, 2), (2, 0)]), vec![0, 1, 2]);
    assert_eq!(ranks(2, &[(0, 0)]), vec![0, 0]);
}

#[test]
fn zones_are_bands_top_to_bottom() {
    let m = model(SMALL);
    let g = Graph::of(&m);
    let lay = Layout::of(&g);
    assert_eq!(lay.bands.len(), 2, "one band per zone");
    assert!(lay.boxes[0].y < lay.boxes[1].y, "outside above inside");
    assert!(lay.boxes[1].y < lay.boxes[2].y, "api's layer above db's");
    for (n, b) in lay.boxes.iter().enumerate() {
        let band = &lay.bands[usize::from(n > 0)].rect;
        assert!(
            band.x < b.x && b.x + b.w < band.x + band.w,
            "box {n} in its band"
        );
        assert!(
            band.y < b.y && b.y + b.h < band.y + band.h,
            "box {n} in its band"
        );
    }
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
    assert!(crosses_boundary(&m, &m.flows[0]));
    assert!(!crosses_boundary(&m, &m.flows[1]));
}

#[test]
fn names_wrap_onto_two_lines_and_only_very_long_ones_are_cut() {
    assert_eq!(wrap_name("Payments API"), vec!["Payments API"]);
    assert_eq!(
        wrap_name("Checkout payment fields"),
        vec!["Checkout", "payment fields"]
    );
    assert_eq!(
        wrap_name("Payment service provider (PSP) gateway"),
        vec!["Payment service", "provider (PSP) gateway"]
    );
    let long = wrap_name("An extraordinarily long component name that goes on and on");
    assert_eq!(long.len(), 2);
    assert!(long[1].ends_with('…'), "{long:?}");
    let word = wrap_name("Supercalifragilisticexpialidocious-service");
    assert_eq!(word, vec!["Supercalifragilisticexp", "ialidocious-service"]);
}

/// The layout properties that make the diagram readable, for one model.
fn assert_readable(m: &Model) {
    let g = Graph::of(m);
    let lay = Layout::of(&g);
    let placed = labels::place(&g, &lay);
    assert_eq!(
        lay.routes.len(),
        g.edges.len(),
        "{}: every flow drawn",
        m.id
    );
    for (e, route) in g.edges.iter().zip(&lay.routes) {
        let id = e.flow.id.as_str();
        assert!(!route.is_empty(), "{id} has a route");
        for p in sample(route, 40) {
            for (n, b) in lay.boxes.iter().enumerate() {
                if n != e.from && n != e.to {
                    assert!(
                        !b.grow(-0.5).contains(p),
                        "{}: flow {id} passes through box {}",
                        m.id,
                        g.nodes[n].key
                    );
                }
            }
        }
    }
    for (i, l) in placed.iter().enumerate() {
        let id = g.edges[i].flow.id.as_str();
        assert!(l.rect.w > 0.0, "{id} has a label");
        for (n, b) in lay.boxes.iter().enumerate() {
            assert!(
                !l.rect.overlaps(b),
                "{}: label of {id} covers box {}",
                m.id,
                g.nodes[n].key
            );
        }
        for (j, o) in placed.iter().enumerate().skip(i + 1) {
            assert!(
                !l.rect.overlaps(&o.rect),
                "{}: labels of {id} and {} overlap",
                m.id,
                g.edges[j].flow.id.as_str()
            );
        }
        assert!(l.rect.x >= 0.0 && l.rect.x + l.rect.w <= lay.width, "{id}");
    }
    for (i, a) in lay.boxes.iter().enumerate() {
        for b in &lay.boxes[i + 1..] {
            assert!(!a.overlaps(b), "{}: boxes overlap", m.id);
        }
    }
}

#[test]
fn payments_diagram_is_readable() {
    assert_readable(&payments());
}

#[test]
fn marketplace_diagram_is_readable() {
    let m = marketplace();
    assert!(m.components.len() >= 20);
    assert_readable(&m);
}

#[test]
fn awkward_flows_are_drawn_without_crossing_boxes() {
    let m = model(AWKWARD);
    assert_readable(&m);
    let svg = render(&m);
    assert!(
        svg.contains(r#"href="billing.html#el-ledger""#),
        "stub links"
    );
    assert!(svg.contains("model billing"), "stub names its model");
    assert!(svg.contains(r##"href="#el-self""##), "self-loop drawn");
    assert!(
        svg.contains("<title>An extraordinarily long component name that goes on and on (client)"),
        "full name in the tooltip"
    );
    assert!(
        svg.contains("<title>Skips the middle zone entirely and has a very long label, longer than forty</title>"),
        "full label in a tooltip"
    );
}

#[test]
fn output_is_deterministic() {
    for m in [payments(), marketplace(), model(AWKWARD)] {
        assert_eq!(render(&m), render(&m));
    }
}
