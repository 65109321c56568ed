//! The nesting budget of a Rust file, checked by a cheap scan before syn
//! parses it. syn (and the visitor and `Drop` of its syntax tree) recurse once
//! per level of nesting, so a hostile file of 2,000 nested brackets, `!!!!x`,
//! `&&&&T` or a 50,000-link method chain would overflow any thread's stack and
//! abort tm. This scan is linear and never recurses.
//!
//! It measures what syn's recursion follows: the tokens of every expression,
//! type or item still open around a point, summed over the enclosing brackets.
//! `,` and `;` end an expression, so a long array literal or a long file of
//! items costs nothing; a chain (`a.b().c()…`, `!!!x`, `a + a + …`,
//! `return return …`) or a deep nest (`((((`, `Vec<Vec<…>>`, `mod a { mod a {`)
//! adds up. Macro bodies syn keeps as unparsed tokens only add their brackets.

/// The most open tokens the scan allows before it refuses a file. Real code
/// stays in the low hundreds; [`super::parse::PARSE_STACK_BYTES`] holds this
/// many levels of syn's deepest recursion, with room to spare, even in a
/// debug build.
pub const MAX_OPEN_TOKENS: u32 = 4096;

/// The most brackets open at once. Real code stays well below a hundred; deep
/// bracket nests are the costliest recursion per level in syn.
pub const MAX_BRACKETS: usize = 256;

/// Where the scan gave up: the 1-based line and how deep it had got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    /// The line where the budget ran out.
    pub line: u32,
    /// The byte offset of that point.
    pub offset: usize,
}

/// Whether tm parses the body of the macro `name` (the visitor looks into
/// expression macros and `lazy_static!`/`thread_local!`), so its tokens count
/// like any other code.
fn parses_body(name: &str) -> bool {
    super::detector_match::EXPRESSION_MACROS.contains(&name)
        || super::macro_statics::STATIC_MACROS.contains(&name)
}

/// Keywords that may stand before `!` without making a macro call (`if !x`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
    "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true",
    "type", "unsafe", "use", "where", "while", "yield",
];

/// One bracket level: the tokens of its current expression, and whether it is
/// the body of a macro syn does not parse.
struct Frame {
    open: u32,
    raw: bool,
}

/// What the scanner saw last, to recognise `name!(` and `} else`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    Other,
    /// An identifier that may name a macro, and whether its body is parsed.
    MacroName {
        parsed: bool,
    },
    /// `!` right after such an identifier.
    Bang {
        parsed: bool,
    },
}

struct Scan {
    frames: Vec<Frame>,
    total: u32,
    budget: u32,
    /// A `{…}` group just closed: the expression it ended goes on only when
    /// the next token continues it (`.`, `?`, `else`).
    after_block: bool,
    last: Last,
}

impl Scan {
    fn top(&mut self) -> &mut Frame {
        self.frames
            .last_mut()
            .expect("the file frame is never popped")
    }

    /// Ends the current expression of the innermost level.
    fn reset(&mut self) {
        let top = self.top();
        let open = std::mem::take(&mut top.open);
        self.total -= open;
    }

    fn count(&mut self, always: bool) -> bool {
        let top = self.top();
        if top.raw && !always {
            return true;
        }
        top.open += 1;
        self.total += 1;
        self.total <= self.budget
    }
}

/// Checks `text` against the budget of open tokens and [`MAX_BRACKETS`];
/// `Err` names where it ran out.
pub fn check(text: &str, budget: u32) -> Result<(), TooDeep> {
    let bytes = text.as_bytes();
    let mut scan = Scan {
        frames: vec![Frame {
            open: 0,
            raw: false,
        }],
        total: 0,
        budget,
        after_block: false,
        last: Last::Other,
    };
    let mut line = 1u32;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        if b == b'\n' {
            line += 1;
            i += 1;
            continue;
        }
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            i = bytes[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(bytes.len(), |p| i + p);
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i = skip_block_comment(bytes, i, &mut line);
            continue;
        }
        // What the token is, as far as nesting goes.
        enum Tok<'t> {
            Word(&'t str),
            Literal,
            Open,
            Close(u8),
            Separator,
            Punct(u8),
        }
        let tok = if b == b'"' {
            i = skip_quoted(bytes, i + 1, b'"', &mut line);
            Tok::Literal
        } else if b == b'\'' {
            match char_literal_end(bytes, i) {
                Some(end) => {
                    i = end;
                    Tok::Literal
                }
                None => {
                    // A lifetime or label: `'a`.
                    i += 1;
                    while i < bytes.len() && is_ident_byte(bytes[i]) {
                        i += 1;
                    }
                    Tok::Word("'")
                }
            }
        } else if is_ident_byte(b) {
            while i < bytes.len() && is_ident_byte(bytes[i]) {
                i += 1;
            }
            let word = &text[start..i];
            match literal_after_prefix(bytes, word, i, &mut line) {
                Some(end) => {
                    i = end;
                    Tok::Literal
                }
                None if b.is_ascii_digit() => {
                    // `1.5`, `1e-3`: the number goes on through `.digit`.
                    while i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
                        i += 1;
                        while i < bytes.len() && is_ident_byte(bytes[i]) {
                            i += 1;
                        }
                    }
                    Tok::Literal
                }
                None => Tok::Word(word),
            }
        } else {
            i += 1;
            match b {
                b'(' | b'[' | b'{' => Tok::Open,
                b')' | b']' | b'}' => Tok::Close(b),
                b',' | b';' => Tok::Separator,
                _ => Tok::Punct(b),
            }
        };
        if scan.after_block {
            scan.after_block = false;
            let goes_on = matches!(tok, Tok::Punct(b'.' | b'?') | Tok::Word("else"));
            if !goes_on {
                scan.reset();
            }
        }
        let ok = match tok {
            Tok::Open => {
                let raw_body = matches!(scan.last, Last::Bang { parsed: false });
                let ok = scan.count(true);
                let raw = raw_body || scan.top().raw;
                scan.frames.push(Frame { open: 0, raw });
                scan.last = Last::Other;
                ok && scan.frames.len() <= MAX_BRACKETS
            }
            Tok::Close(c) => {
                if scan.frames.len() > 1 {
                    let frame = scan.frames.pop().expect("checked above");
                    scan.total -= frame.open;
                    scan.after_block = c == b'}';
                }
                scan.last = Last::Other;
                true
            }
            Tok::Separator => {
                scan.reset();
                scan.last = Last::Other;
                true
            }
            Tok::Word(word) => {
                scan.last = if KEYWORDS.contains(&word) || word == "'" {
                    Last::Other
                } else {
                    Last::MacroName {
                        parsed: parses_body(word),
                    }
                };
                scan.count(false)
            }
            Tok::Punct(p) => {
                scan.last = match (scan.last, p) {
                    (Last::MacroName { parsed }, b'!') => Last::Bang { parsed },
                    _ => Last::Other,
                };
                scan.count(false)
            }
            Tok::Literal => {
                scan.last = Last::Other;
                scan.count(false)
            }
        };
        if !ok {
            return Err(TooDeep {
                line,
                offset: start,
            });
        }
    }
    Ok(())
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The end of a `/* … */` comment starting at `i` (nested, as in Rust).
fn skip_block_comment(bytes: &[u8], mut i: usize, line: &mut u32) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            (b'\n', _) => {
                *line += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

/// The end of a string whose opening quote is just before `i`; `\` escapes.
fn skip_quoted(bytes: &[u8], mut i: usize, quote: u8, line: &mut u32) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    *line += 1;
                }
                i += 2;
            }
            b'\n' => {
                *line += 1;
                i += 1;
            }
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// A char literal at `i` (`'x'`, `'\n'`, `'é'`): its end; `None` for a lifetime.
fn char_literal_end(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i + 1)? {
        b'\\' => {
            let close = bytes[i + 2..].iter().take(12).position(|&c| c == b'\'')?;
            Some(i + 2 + close + 1)
        }
        &c => {
            let width = match c {
                0xF0.. => 4,
                0xE0.. => 3,
                0xC0.. => 2,
                _ => 1,
            };
            (bytes.get(i + 1 + width) == Some(&b'\'')).then_some(i + 2 + width)
        }
    }
}

/// A literal that starts with a prefix word: `b"…"`, `c"…"`, `b'x'`,
/// `r"…"`, `r#"…"#`, `br#"…"#`, `cr"…"`. `None` when `word` is just a word
/// (`r#type` is a raw identifier).
fn literal_after_prefix(bytes: &[u8], word: &str, i: usize, line: &mut u32) -> Option<usize> {
    let next = *bytes.get(i)?;
    match (word, next) {
        ("b" | "c", b'"') => Some(skip_quoted(bytes, i + 1, b'"', line)),
        ("b", b'\'') => char_literal_end(bytes, i).or(Some(i + 1)),
        ("r" | "br" | "cr", b'"' | b'#') => {
            let hashes = bytes[i..].iter().take_while(|&&c| c == b'#').count();
            if bytes.get(i + hashes) != Some(&b'"') {
                return None; // `r#ident`
            }
            let mut j = i + hashes + 1;
            while j < bytes.len() {
                if bytes[j] == b'\n' {
                    *line += 1;
                } else if bytes[j] == b'"'
                    && bytes[j + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&c| c == b'#')
                        .count()
                        == hashes
                {
                    return Some(j + 1 + hashes);
                }
                j += 1;
            }
            Some(bytes.len())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(text: &str) -> Option<u32> {
        check(text, 64).err().map(|e| e.line)
    }

    #[test]
    fn ordinary_code_passes() {
        let text = "use std::io;\n/// doc (((\nfn main() {\n    let v = vec![1, 2, 3];\n    let s = \"((((\";\n    let c = '{';\n    let r = r#\"[[[[\"#;\n    if !v.is_empty() && x < y { println!(\"{}\", s); } else { return; }\n}\n";
        assert_eq!(deep(text), None);
        // A thousand items or array elements are not nesting.
        let items = "fn f() { a.b().c(); }\n".repeat(1000);
        assert_eq!(deep(&items), None);
        let array = format!("const A: [u8; 2000] = [{}];", "1, ".repeat(2000));
        assert_eq!(deep(&array), None);
    }

    #[test]
    fn deep_brackets_chains_and_operators_are_caught() {
        assert_eq!(deep(&format!("fn f() {{{}}}", "(".repeat(100))), Some(1));
        assert!(
            deep(&format!(
                "type T = {}u8{};",
                "Vec<".repeat(50),
                ">".repeat(50)
            ))
            .is_some()
        );
        assert!(deep(&format!("fn f() {{ {}x; }}", "!".repeat(100))).is_some());
        assert!(deep(&format!("fn f() {{ a{}; }}", ".b()".repeat(30))).is_some());
        assert!(deep(&format!("fn f() {{ {}x; }}", "return ".repeat(100))).is_some());
        assert!(deep(&format!("{}{}", "mod a {\n".repeat(40), "}".repeat(40))).is_some());
        assert!(
            deep(&format!(
                "fn f() {{ if a {{}} {} }}",
                "else if a {} ".repeat(40)
            ))
            .is_some()
        );
        assert_eq!(
            deep(&format!("fn f() {{\n\n{}\n}}", "!".repeat(100))),
            Some(3)
        );
    }

    #[test]
    fn unparsed_macro_bodies_count_only_brackets() {
        let body = "<div> text </div> ".repeat(100);
        assert_eq!(deep(&format!("fn f() {{ html! {{ {body} }} }}")), None);
        assert!(
            deep(&format!(
                "fn f() {{ println!(\"{{}}\", a{}); }}",
                ".b()".repeat(30)
            ))
            .is_some()
        );
        assert!(
            deep(&format!(
                "fn f() {{ m!{}{} }}",
                "(".repeat(100),
                ")".repeat(100)
            ))
            .is_some()
        );
    }

    #[test]
    fn literals_and_comments_hide_their_brackets() {
        let text = "/* ((( /* nested ((( */ ((( */\nconst S: &str = r##\"((( \"# (((\"##;\nconst B: &[u8] = b\"(((\\\"(((\";\nconst C: char = '\\'';\nfn f<'a>(x: &'a str) {}\n";
        assert_eq!(check(text, 16), Ok(()));
    }
}
