//! Why an output cannot be opened or used: one typed error for MIDI ports, JACK, the audio
//! device and the synth, rendered in one place ([`std::fmt::Display`]), so callers read its
//! parts instead of taking strings apart.

use std::fmt;

/// What kind of problem an output has, for code that decides what to try next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputErrorKind {
    /// The system is not there: no JACK server, no ALSA sequencer, no sound card.
    Unavailable,
    /// A library flam loads at run time (libjack) is missing.
    NoLibrary,
    /// No port or device has the name asked for.
    NotFound,
    /// The name asked for fits more than one port.
    Ambiguous,
    /// The port or device exists but would not open, connect or start.
    Refused,
    /// This flam was built without the system asked for.
    NotBuilt,
    /// Asked for something this command does not do (the synth from `flam live`'s MIDI list).
    Unsupported,
}

/// An output problem: what went wrong in one line, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputError {
    /// What kind of problem it is.
    pub kind: OutputErrorKind,
    /// The problem, one line, without `error: `.
    pub problem: String,
    /// Lines that explain the problem (what was tried, and why each failed).
    pub details: Vec<String>,
    /// What to do about it (may span lines, e.g. a list of the ports there are).
    pub help: Option<String>,
}

impl OutputError {
    /// A problem of `kind`, without help yet.
    pub fn new(kind: OutputErrorKind, problem: impl Into<String>) -> OutputError {
        OutputError {
            kind,
            problem: problem.into(),
            details: Vec::new(),
            help: None,
        }
    }

    /// The same problem with `help`.
    pub fn help(mut self, help: impl Into<String>) -> OutputError {
        self.help = Some(help.into());
        self
    }

    /// The same problem with one more line explaining it.
    pub fn detail(mut self, line: impl Into<String>) -> OutputError {
        self.details.push(line.into());
        self
    }

    /// The same problem said of what was being done: `prefix: problem`.
    pub fn context(mut self, prefix: &str) -> OutputError {
        self.problem = format!("{prefix}: {}", self.problem);
        self
    }
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.problem)?;
        for line in &self.details {
            write!(f, "\n  {line}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for OutputError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_error_reads_as_flams_other_errors() {
        let e = OutputError::new(
            OutputErrorKind::NotFound,
            "no JACK MIDI input port is called `tr8`",
        )
        .help("the JACK MIDI inputs are:\n      fluidsynth:midi");
        assert_eq!(
            e.to_string(),
            "error: no JACK MIDI input port is called `tr8`\n  = help: the JACK MIDI inputs are:\n      fluidsynth:midi"
        );
        let e = OutputError::new(OutputErrorKind::Unavailable, "no JACK server is running")
            .context("cannot play through the synth");
        assert_eq!(
            e.to_string(),
            "error: cannot play through the synth: no JACK server is running"
        );
    }
}
