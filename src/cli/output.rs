//! Where commands print: stdout through `anstream`, which keeps colour only
//! where it is wanted (`--color`, `NO_COLOR`, a terminal), and the rule for a
//! reader that went away (`tm diff | head`): stop quietly, as ripgrep does.

use std::error::Error;
use std::io::{self, Write};

use super::CliError;

/// Writes a command's output to stdout; a write error is returned (a closed
/// pipe included, which `main` turns into a quiet exit), never a panic.
pub fn emit(text: &str) -> Result<(), CliError> {
    let mut out = anstream::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Whether `err` or anything it wraps is a write to a closed pipe.
pub fn is_broken_pipe(err: &(dyn Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        if e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        next = e.source();
    }
    false
}

/// Sets whether anything tm prints carries colour: `auto` follows
/// `NO_COLOR`, `CLICOLOR_FORCE` and whether stdout is a terminal.
pub fn set_color(choice: clap::ColorChoice) {
    let choice = match choice {
        clap::ColorChoice::Auto => anstream::ColorChoice::Auto,
        clap::ColorChoice::Always => anstream::ColorChoice::Always,
        clap::ColorChoice::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_is_found_under_wrapping_errors() {
        let pipe = CliError::Io(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
        assert!(is_broken_pipe(&pipe));
        let other = CliError::Io(io::Error::other("disk full"));
        assert!(!is_broken_pipe(&other));
    }
}
