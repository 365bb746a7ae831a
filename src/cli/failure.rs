//! A command that could not do its job: what to tell the user, and the exit code.

/// Why a command stopped.
#[derive(Debug)]
pub struct Failure {
    /// The full message for stderr.
    pub message: String,
    /// The process exit code: 2 for problems in the user's input, 1 for everything else.
    pub code: u8,
}

impl Failure {
    /// Bad input (a song that does not compile, a malformed flag): exit code 2.
    pub fn input(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    /// Printing a listing failed. A reader that stopped early (`flam events … | head`) is not
    /// an error: nothing is said and the exit code is 0, as for other Unix tools.
    pub fn output(e: std::io::Error) -> Failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure {
                message: String::new(),
                code: 0,
            };
        }
        Failure::io(format!("error: cannot write output: {e}"))
    }

    /// Anything else (a file that cannot be read or written): exit code 1.
    pub fn io(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}

impl From<crate::output::output_error::OutputError> for Failure {
    /// An output that cannot be used is not the user's typing: exit code 1.
    fn from(e: crate::output::output_error::OutputError) -> Failure {
        Failure::io(e.to_string())
    }
}
