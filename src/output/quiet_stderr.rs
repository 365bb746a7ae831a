//! Keeps libraries quiet on stderr for a moment.

/// While alive, file descriptor 2 goes to `/dev/null`. libasound and libjack print
/// diagnostics of their own when a device or server is missing ("ALSA lib confmisc.c:855:
/// cannot find card '0'"); flam says the same thing once, clearly, so it hushes them while
/// probing. Used only on the main thread before playing starts, when nothing else prints.
pub struct QuietStderr {
    saved: Option<i32>,
}

impl QuietStderr {
    /// Hushes stderr when `active` (not with `--verbose`, where the libraries' words help).
    pub fn new(active: bool) -> QuietStderr {
        if !active {
            return QuietStderr { saved: None };
        }
        // SAFETY: plain POSIX calls on file descriptors this function owns or on fd 2; every
        // return value is checked before it is used.
        unsafe {
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
            if null < 0 {
                return QuietStderr { saved: None };
            }
            let saved = libc::fcntl(2, libc::F_DUPFD_CLOEXEC, 3);
            if saved < 0 {
                libc::close(null);
                return QuietStderr { saved: None };
            }
            libc::dup2(null, 2);
            libc::close(null);
            QuietStderr { saved: Some(saved) }
        }
    }
}

impl Drop for QuietStderr {
    fn drop(&mut self) {
        if let Some(saved) = self.saved.take() {
            // SAFETY: `saved` is the descriptor duplicated in `new`, still open.
            unsafe {
                libc::dup2(saved, 2);
                libc::close(saved);
            }
        }
    }
}
