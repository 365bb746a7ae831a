//! Asking the OS to run the calling thread ahead of ordinary threads.

/// The SCHED_FIFO priority for senders: above every ordinary thread, below JACK's own threads
/// (JACK uses 10 and up), so a sender never delays the JACK cycle.
pub const SENDER: i32 = 5;

/// The SCHED_FIFO priority for the planner: it must keep a few hundred ms ahead even when
/// the machine is busy, but always yields to the senders.
pub const PLANNER: i32 = 1;

/// Gives the calling thread real-time (SCHED_FIFO) priority when allowed; returns whether it
/// worked. Without permission (not root, no rtprio limit) playing still works, less tightly
/// under load.
pub fn promote_current_thread() -> bool {
    promote_current_thread_to(SENDER)
}

/// Like [`promote_current_thread`], at the given SCHED_FIFO priority.
pub fn promote_current_thread_to(priority: i32) -> bool {
    let param = libc::sched_param {
        sched_priority: priority,
    };
    // SAFETY: pthread_self() is always a valid handle for the calling thread, and `param` is
    // a properly initialised sched_param that outlives the call.
    let result =
        unsafe { libc::pthread_setschedparam(libc::pthread_self(), libc::SCHED_FIFO, &param) };
    result == 0
}

/// Real-time priority for the thread that starts playing, until dropped: opening the outputs
/// is mostly waiting on the audio server in turn, and a busy machine's ordinary threads would
/// otherwise stretch every turn. Threads started meanwhile inherit it: compiling and loading
/// the SoundFont end soon after, the player's set their own, and libjack's two helper threads
/// keep it, which costs nothing (they sleep until the server has news).
pub struct StartingPriority {
    raised: bool,
}

impl StartingPriority {
    /// Raises the calling thread to the planner's SCHED_FIFO priority, when allowed.
    pub fn raise() -> StartingPriority {
        StartingPriority {
            raised: promote_current_thread_to(PLANNER),
        }
    }

    /// Back to an ordinary thread (also when dropped).
    pub fn lower(&mut self) {
        if std::mem::take(&mut self.raised) {
            let param = libc::sched_param { sched_priority: 0 };
            // SAFETY: as in `promote_current_thread_to`; SCHED_OTHER takes priority 0.
            unsafe { libc::pthread_setschedparam(libc::pthread_self(), libc::SCHED_OTHER, &param) };
        }
    }
}

impl Drop for StartingPriority {
    fn drop(&mut self) {
        self.lower();
    }
}
