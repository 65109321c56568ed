//! The fast path for the common case, a valid model: serde-saphyr reads the
//! file straight into [`Model`] without building the positioned tree, and a
//! few checks cover what the schema enforces but serde does not. Anything
//! that fails here goes through the full, position-keeping path, which
//! reports every problem.

use crate::model::{Categories, EndpointRef, FORMAT_VERSION, Id, Model, NotApplicable};

use super::node::yaml_options;

/// The model, when `text` is a model with no structural problem at all.
#[cfg(test)]
pub fn read_valid(text: &str, max_depth: usize) -> Option<Model> {
    read(text, max_depth).ok()
}

/// Why the fast path did not give a model.
#[derive(Debug)]
pub enum NotFast {
    /// The file broke a parser budget (size, nesting, alias expansion): the
    /// full path would parse as far and fail the same way, so it is skipped.
    Budget(serde_saphyr::Error),
    /// Anything else: the full path finds and reports it.
    Other,
}

/// The model, or why the fast path cannot give it.
pub fn read(text: &str, max_depth: usize) -> Result<Model, NotFast> {
    // Typed reading cannot see tags, directives or how a number was spelt:
    // such files take the full path, which reports them.
    if super::strict::may_have_tag(text)
        || super::strict::may_have_directive(text)
        || super::strict::may_have_yaml11_number(text)
    {
        return Err(NotFast::Other);
    }
    let model: Model = serde_saphyr::from_str_with_options(text, yaml_options(max_depth)).map_err(
        |e| match e {
            e if is_budget_error(&e) => NotFast::Budget(e),
            _ => NotFast::Other,
        },
    )?;
    if model.tm == FORMAT_VERSION && schema_only_rules_hold(&model) {
        Ok(model)
    } else {
        Err(NotFast::Other)
    }
}

/// Whether the parser stopped on a budget rather than on the file's content.
fn is_budget_error(e: &serde_saphyr::Error) -> bool {
    let text = e.to_string();
    text.starts_with("budget breached") || text.starts_with("alias replay limit")
}

/// Constraints the JSON Schema states that serde's derive does not check:
/// id syntax, the two zones of a boundary, non-empty STRIDE lists.
fn schema_only_rules_hold(m: &Model) -> bool {
    let id = |i: &Id| is_id(i.as_str());
    let endpoint = |e: &EndpointRef| match e.parts() {
        (Some(model), component) => is_id(model) && is_id(component),
        (None, component) => is_id(component),
    };
    let stride = |c: &Categories| !c.0.is_empty();
    let notes = |ns: &[NotApplicable]| ns.iter().all(|n| stride(&n.stride));
    id(&m.id)
        && m.zones.iter().all(id)
        && m.data.iter().all(|d| id(&d.id))
        && m.components.iter().all(|c| {
            id(&c.id)
                && c.zone.as_ref().is_none_or(id)
                && c.data.iter().all(id)
                && notes(&c.not_applicable)
        })
        && m.flows.iter().all(|f| {
            id(&f.id)
                && endpoint(&f.from)
                && endpoint(&f.to)
                && f.data.iter().all(id)
                && notes(&f.not_applicable)
        })
        && m.boundaries
            .iter()
            .all(|b| id(&b.id) && b.between.len() == 2 && b.between.iter().all(id))
        && m.threats.iter().all(|t| {
            id(&t.id) && id(&t.target) && stride(&t.stride) && t.mitigations.iter().all(id)
        })
        && m.mitigations
            .iter()
            .all(|x| id(&x.id) && x.location.as_ref().is_none_or(id))
}

/// [`ID_PATTERN`] without a regex: `[A-Za-z0-9][A-Za-z0-9._-]*`.
fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ID_PATTERN;

    #[test]
    fn id_check_matches_the_schema_pattern() {
        let re = regex::Regex::new(ID_PATTERN).unwrap();
        for s in [
            "PAY-S-1",
            "a",
            "a.b_c-d",
            "",
            "-a",
            "two words",
            "a/b",
            "ü",
            "9x",
        ] {
            assert_eq!(is_id(s), re.is_match(s), "{s:?}");
        }
    }

    #[test]
    fn what_serde_accepts_but_the_schema_does_not_takes_the_slow_path() {
        let base = "tm: 1\nid: m\ntitle: T\nstatus: draft\nrisk: low\n";
        assert!(read_valid(base, 32).is_some());
        assert!(read_valid(&format!("{base}zones: [\"two words\"]\n"), 32).is_none());
        assert!(
            read_valid(
                &format!("{base}boundaries: [{{id: b, between: [a]}}]\n"),
                32
            )
            .is_none()
        );
        assert!(
            read_valid(
                &format!("{base}flows: [{{id: f, from: a/b/c, to: x}}]\n"),
                32
            )
            .is_none()
        );
        assert!(read_valid(&base.replace("tm: 1", "tm: 2"), 32).is_none());
        assert!(read_valid(&format!("{base}owners: yes\n"), 32).is_none());
    }

    #[test]
    fn a_budget_failure_is_final() {
        let many = format!("tm: 1\nid: m\nowners: [&a x, {}]\n", "*a, ".repeat(10_001));
        assert!(matches!(read(&many, 32), Err(NotFast::Budget(_))));
        assert!(matches!(read("tm: 1\nid: [\n", 32), Err(NotFast::Other)));
    }
}
