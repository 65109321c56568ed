//! `tm draft --interactive`: a walk through the draft, element by element
//! (most severe first) and category by category, reading one command per
//! line from any reader (a terminal or a script), so it is testable.
//!
//! Commands: `a` accept, `s <severity>` accept with another severity,
//! `r <reason>` reject (a not-applicable note on the element), `k` skip,
//! `q` quit (keeping what was decided). For a question: `= <answer>`
//! answers it, `a` keeps it open, `k` skips it.

use std::io::{self, BufRead, Write};

use crate::model::{Date, Severity, StrideCategory};

use super::engine::{DraftedQuestion, DraftedThreat, ModelDraft};

/// A rejected candidate: a not-applicable note to write on the element.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    /// The element id.
    pub target: String,
    /// "component" or "flow" (boundaries take no notes).
    pub noun: &'static str,
    /// The categories.
    pub stride: Vec<StrideCategory>,
    /// Why.
    pub reason: String,
}

/// What the walk decided.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    /// Accepted threats (with their mitigations), possibly re-rated.
    pub accepted: Vec<DraftedThreat>,
    /// Rejections to write as not-applicable notes.
    pub rejected: Vec<Rejection>,
    /// Questions to add, answered or open.
    pub questions: Vec<DraftedQuestion>,
}

fn clean(s: &str) -> String {
    crate::terminal::escape_text(s).into_owned()
}

/// Walks the draft, prompting on `out` and reading from `input`.
pub fn walk(
    draft: &ModelDraft,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    today: Date,
) -> io::Result<Decisions> {
    let mut decisions = Decisions::default();
    // Elements in risk order: the most severe candidate first.
    let mut targets: Vec<(&str, Severity)> = Vec::new();
    for t in &draft.threats {
        let id = t.threat.target.as_str();
        match targets.iter_mut().find(|(x, _)| *x == id) {
            Some(e) => e.1 = e.1.max(t.threat.severity),
            None => targets.push((id, t.threat.severity)),
        }
    }
    for q in &draft.questions {
        let id = q.question.about.as_str();
        if !targets.iter().any(|(x, _)| *x == id) {
            targets.push((id, Severity::Low));
        }
    }
    targets.sort_by_key(|t| std::cmp::Reverse(t.1));
    let total = draft.threats.len() + draft.questions.len();
    let mut n = 0;
    let mut line = String::new();
    'walk: for (target, _) in targets {
        let mut threats: Vec<&DraftedThreat> = draft
            .threats
            .iter()
            .filter(|t| t.threat.target.as_str() == target)
            .collect();
        threats.sort_by(|a, b| {
            a.threat
                .stride
                .0
                .first()
                .cmp(&b.threat.stride.0.first())
                .then(b.threat.severity.cmp(&a.threat.severity))
        });
        for t in threats {
            n += 1;
            let cats: Vec<&str> = t.threat.stride.0.iter().map(|c| c.as_str()).collect();
            writeln!(
                out,
                "\n[{n}/{total}] {} `{target}`: {}",
                t.element_noun,
                cats.join(", ")
            )?;
            writeln!(out, "  fired by: {}", clean(&t.fired_by.join("; ")))?;
            writeln!(
                out,
                "  threat:     {} (severity {}, likelihood {}, impact {})",
                clean(&t.threat.title),
                t.threat.severity,
                t.threat.likelihood,
                t.threat.impact
            )?;
            writeln!(out, "  mitigation: {}", clean(&t.mitigation.control))?;
            loop {
                write!(
                    out,
                    "  [a]ccept  [s]everity LEVEL  [r]eject REASON  [k] skip  [q]uit > "
                )?;
                out.flush()?;
                line.clear();
                if input.read_line(&mut line)? == 0 {
                    writeln!(out)?;
                    break 'walk;
                }
                let cmd = line.trim();
                let (verb, arg) = cmd
                    .split_once(' ')
                    .map_or((cmd, ""), |(v, a)| (v, a.trim()));
                match verb {
                    "a" | "accept" => {
                        decisions.accepted.push(t.clone());
                        break;
                    }
                    "s" | "severity" => match Severity::ALL.iter().find(|s| s.as_str() == arg) {
                        Some(s) => {
                            let mut t = t.clone();
                            t.threat.severity = *s;
                            decisions.accepted.push(t);
                            break;
                        }
                        None => writeln!(out, "  give a severity: low, medium, high or critical")?,
                    },
                    "r" | "reject" if t.element_noun == "boundary" => {
                        writeln!(
                            out,
                            "  a boundary takes no not-applicable note: skip it instead"
                        )?;
                    }
                    "r" | "reject" if arg.is_empty() => {
                        writeln!(
                            out,
                            "  say why: `r <reason>` (it is written as a not-applicable note)"
                        )?;
                    }
                    "r" | "reject" => {
                        decisions.rejected.push(Rejection {
                            target: target.to_owned(),
                            noun: t.element_noun,
                            stride: t.threat.stride.0.clone(),
                            reason: arg.to_owned(),
                        });
                        break;
                    }
                    "k" | "skip" | "" => break,
                    "q" | "quit" => break 'walk,
                    _ => writeln!(out, "  unknown command `{}`", clean(verb))?,
                }
            }
        }
        for q in draft
            .questions
            .iter()
            .filter(|q| q.question.about.as_str() == target)
        {
            n += 1;
            writeln!(
                out,
                "\n[{n}/{total}] question about `{target}` ({})",
                clean(q.question.code.as_deref().unwrap_or(""))
            )?;
            writeln!(out, "  {}", clean(&q.question.text))?;
            loop {
                write!(out, "  [=] ANSWER  [a]dd as open  [k] skip  [q]uit > ")?;
                out.flush()?;
                line.clear();
                if input.read_line(&mut line)? == 0 {
                    writeln!(out)?;
                    break 'walk;
                }
                let cmd = line.trim();
                if let Some(answer) = cmd.strip_prefix('=') {
                    let answer = answer.trim();
                    if answer.is_empty() {
                        writeln!(out, "  write the answer after `=`")?;
                        continue;
                    }
                    let mut q = q.clone();
                    q.question.answer = Some(answer.to_owned());
                    q.question.answered_at = Some(today);
                    decisions.questions.push(q);
                    break;
                }
                match cmd {
                    "a" | "add" => {
                        decisions.questions.push(q.clone());
                        break;
                    }
                    "k" | "skip" | "" => break,
                    "q" | "quit" => break 'walk,
                    _ => writeln!(out, "  unknown command `{}`", clean(cmd))?,
                }
            }
        }
    }
    Ok(decisions)
}
