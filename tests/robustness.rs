//! No input makes tm panic: every fixture, mutated thousands of ways
//! (deterministically), goes through load and check.

mod common;

use std::path::PathBuf;

use tm::check::{self, CheckOptions};
use tm::{Config, Project};

/// A tiny deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&[u8]] = &[
    b"\t",
    b"- ",
    b": ",
    b"\n",
    b"&a ",
    b"*a",
    b"[",
    b"]",
    b"{",
    b"}",
    b"'",
    b"\"",
    b"~",
    b"#",
    b"\xff",
    b"  ",
    b"null",
    b"-1",
    b"1e309",
    b"!!binary ",
];

fn mutate(rng: &mut Rng, text: &[u8]) -> Vec<u8> {
    let mut out = text.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(3) {
            0 => {
                let piece = PIECES[rng.below(PIECES.len())];
                out.splice(at..at, piece.iter().copied());
            }
            1 if !out.is_empty() => {
                let end = (at + 1 + rng.below(12)).min(out.len());
                out.drain(at.min(end)..end);
            }
            _ => {
                // Duplicate a line: repeated keys, repeated ids.
                let start = out[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
                let end = out[at..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(out.len(), |i| at + i + 1);
                let line = out[start..end].to_vec();
                out.splice(start..start, line);
            }
        }
    }
    out
}

#[test]
fn mutated_fixtures_never_panic() {
    let dir = common::fixtures().join("rules");
    let project_dir = tempfile::tempdir().unwrap();
    let config = Config::load(project_dir.path(), Vec::new()).unwrap();
    let opts = CheckOptions {
        today: common::TODAY.parse().unwrap(),
        deny_drafts: false,
    };
    let mut rng = Rng(0x5eed);
    let mut runs = 0;
    let mut sources: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    sources.push(
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/payments-api.yaml"),
        )
        .unwrap(),
    );
    for source in &sources {
        for _ in 0..20 {
            let files = vec![
                (PathBuf::from("models/m.yaml"), mutate(&mut rng, source)),
                (PathBuf::from("models/n.yaml"), source.clone()),
            ];
            let (project, findings) = Project::from_files(config.clone(), files);
            let _ = check::run(&project, findings, &opts);
            runs += 1;
        }
    }
    assert!(runs > 400, "{runs} runs");
}
