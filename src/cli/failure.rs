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

    /// Anything else (a file that cannot be read or written): exit code 1.
    pub fn io(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}
