//! `mdbook-tm`: tm for mdBook, as the renderer `[output.tm]` names and the
//! preprocessor `[preprocessor.tm]` names. mdBook runs both with the JSON on
//! stdin: an object (RenderContext) for a renderer, an array
//! (`[context, book]`) for a preprocessor; `mdbook-tm supports RENDERER`
//! answers a preprocessor's question. The work is `tm::mdbook`'s.

use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "\
mdbook-tm: tm's mdBook renderer and preprocessor (mdBook runs it).

In book.toml:
  [output.tm]          # the tm site, written beside the book (book/tm/)
  [preprocessor.tm]    # {{#tm-model ID}}, {{#tm-stride ID}}, {{#tm-diagram ID}} in chapters

  mdbook-tm supports RENDERER   exit 0: the preprocessor works for every renderer
  mdbook-tm < JSON              run as mdBook's renderer or preprocessor";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("supports") => return ExitCode::SUCCESS,
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some("-V" | "--version") => {
            println!("mdbook-tm {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!(
                "error: unknown argument `{}`\n\n{USAGE}",
                tm::terminal::escape_line(other)
            );
            return ExitCode::from(2);
        }
        None => {}
    }
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("error: cannot read mdBook's JSON from stdin: {e}");
        return ExitCode::from(2);
    }
    let today = match std::env::var("TM_TODAY") {
        Ok(s) => match s.parse() {
            Ok(d) => d,
            Err(e) => {
                eprintln!("error: TM_TODAY: {e}");
                return ExitCode::from(2);
            }
        },
        Err(_) => tm::model::Date::today_utc(),
    };
    let result = if input.trim_start().starts_with('[') {
        tm::mdbook::preprocess(&input, today).and_then(|book| {
            let mut out = std::io::stdout().lock();
            out.write_all(book.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| {
                    tm::mdbook::MdbookError::UnknownModels(format!("cannot write the book: {e}"))
                })
        })
    } else {
        tm::mdbook::render(&input, today).map(|written| {
            eprintln!(
                "mdbook-tm: built {} model{} ({} files) into {}",
                written.models,
                if written.models == 1 { "" } else { "s" },
                written.files,
                tm::terminal::escape_line(&written.dest.display().to_string())
            );
        })
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mdbook-tm: error: {e}");
            ExitCode::from(1)
        }
    }
}
