//! The data-flow diagram as a Mermaid `flowchart LR`, for the Markdown
//! report (GitHub renders Mermaid code blocks). Trust zones are subgraphs;
//! a flow that crosses a trust boundary — judged by the checker's own
//! [`crosses_boundary`], cross-model flows included — is a thick arrow
//! labelled as crossing. Node ids are generated (`c0`, `z1`, `x2`), never
//! user text; labels are quoted with every character Mermaid gives a meaning
//! written as an entity code.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::check::coverage::crosses_boundary;
use crate::model::{ComponentKind, Model};

/// The Mermaid source of the model's data-flow diagram (without the fence).
pub fn flowchart(m: &Model) -> String {
    let mut out = String::from("flowchart LR\n");
    let node_of: BTreeMap<&str, String> = m
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), format!("c{i}")))
        .collect();
    // Zones in the order the model lists them, then any a component names
    // without listing it (TM reports that), sorted.
    let mut zones: Vec<&str> = m.zones.iter().map(|z| z.as_str()).collect();
    let mut unlisted: Vec<&str> = m
        .components
        .iter()
        .filter_map(|c| c.zone.as_ref().map(|z| z.as_str()))
        .filter(|z| !zones.contains(z))
        .collect();
    unlisted.sort_unstable();
    unlisted.dedup();
    zones.extend(unlisted);
    for (zi, zone) in zones.iter().enumerate() {
        let _ = writeln!(out, "  subgraph z{zi}[\"{}\"]", label(zone));
        for (i, c) in m.components.iter().enumerate() {
            if c.zone.as_ref().map(|z| z.as_str()) == Some(zone) {
                let _ = writeln!(out, "    {}", node(&format!("c{i}"), &c.name, c.kind));
            }
        }
        out.push_str("  end\n");
    }
    for (i, c) in m.components.iter().enumerate() {
        if c.zone.is_none() {
            let _ = writeln!(out, "  {}", node(&format!("c{i}"), &c.name, c.kind));
        }
    }
    // Endpoints in other models (and dangling ones): one node each.
    let mut others: BTreeMap<&str, String> = BTreeMap::new();
    for f in &m.flows {
        for end in [&f.from, &f.to] {
            let text = end.0.as_str();
            let local = end.parts().0.is_none() && node_of.contains_key(text);
            if !local && !others.contains_key(text) {
                let id = format!("x{}", others.len());
                others.insert(text, id);
            }
        }
    }
    for (text, id) in &others {
        let _ = writeln!(out, "  {id}([\"{}\"]):::other", label(text));
    }
    let id_of = |text: &str| {
        node_of
            .get(text)
            .or_else(|| others.get(text))
            .cloned()
            .unwrap_or_default()
    };
    let mut crossing = Vec::new();
    for (i, f) in m.flows.iter().enumerate() {
        let (from, to) = (id_of(f.from.0.as_str()), id_of(f.to.0.as_str()));
        let name = f.name.as_deref().unwrap_or(f.id.as_str());
        let proto = f
            .protocol
            .as_deref()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default();
        if crosses_boundary(m, f) {
            crossing.push(i);
            let text = format!("⚠ crosses boundary: {name}{proto}");
            let _ = writeln!(out, "  {from} ==>|\"{}\"| {to}", label(&text));
        } else {
            let _ = writeln!(
                out,
                "  {from} -->|\"{}\"| {to}",
                label(&format!("{name}{proto}"))
            );
        }
    }
    out.push_str("  classDef other stroke-dasharray: 5 5\n");
    if !crossing.is_empty() {
        let list: Vec<String> = crossing.iter().map(usize::to_string).collect();
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:#d33,stroke-width:3px",
            list.join(",")
        );
    }
    out
}

/// A node of the given kind: its shape says what it is.
fn node(id: &str, name: &str, kind: ComponentKind) -> String {
    let text = label(&format!("{name} ({})", kind.as_str()));
    match kind {
        ComponentKind::Datastore => format!("{id}[(\"{text}\")]"),
        ComponentKind::Queue => format!("{id}[[\"{text}\"]]"),
        ComponentKind::Human | ComponentKind::External => format!("{id}([\"{text}\"])"),
        _ => format!("{id}[\"{text}\"]"),
    }
}

/// User text for a quoted Mermaid label: quotes, `#`, brackets, braces,
/// pipes, angle brackets, `&`, `;` and backticks as Mermaid entity codes
/// (`#35;`), line breaks as spaces, control and invisible characters dropped.
pub fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' | '#' | '<' | '>' | '[' | ']' | '(' | ')' | '{' | '}' | '|' | '&' | ';' | '`'
            | '\\' | '%' | '*' | '_' | '~' | '@' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() || crate::terminal::is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_carry_no_mermaid_syntax() {
        let l = label("a\"b#c<d>[e]|f`g\nh");
        assert!(
            !l.contains(['"', '<', '>', '[', ']', '|', '`', '\n']),
            "{l}"
        );
        assert_eq!(label("x#y"), "x#35;y");
    }

    #[test]
    fn zones_are_subgraphs_and_crossing_flows_thick() {
        let m: Model = serde_saphyr::from_str(
            "tm: 1\nid: m\ntitle: M\nstatus: draft\nrisk: low\nzones: [out, in]\ncomponents:\n  - {id: web, name: \"W]eb\", kind: client, zone: out}\n  - {id: api, name: API, kind: service, zone: in}\n  - {id: db, name: DB, kind: datastore, zone: in}\nflows:\n  - {id: f1, from: web, to: api}\n  - {id: f2, from: api, to: db}\n  - {id: f3, from: api, to: other/x}\n",
        )
        .unwrap();
        let d = flowchart(&m);
        assert!(d.contains("subgraph z0[\"out\"]"), "{d}");
        assert!(d.contains("c0[\"W#93;eb #40;client#41;\"]"), "{d}");
        assert!(d.contains("c0 ==>"), "f1 crosses: {d}");
        assert!(d.contains("c1 -->"), "f2 stays inside: {d}");
        assert!(
            d.contains("c1 ==>|\"⚠ crosses boundary: f3\"| x0"),
            "cross-model: {d}"
        );
        assert!(d.contains("linkStyle 0,2 "), "{d}");
    }
}
