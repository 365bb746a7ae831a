//! Ctrl-C and SIGTERM for commands that stop cleanly: the first signal raises a flag the
//! command watches; a second one, should the first ever go unheard, ends flam at once.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::failure::Failure;

/// Raises `flag` on SIGINT or SIGTERM; a second signal exits with `second_exit_code`.
pub fn raise_on_interrupt(flag: &Arc<AtomicBool>, second_exit_code: i32) -> Result<(), Failure> {
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // The shutdown must be registered first, so it sees the flag before this signal sets it.
        signal_hook::flag::register_conditional_shutdown(
            signal,
            second_exit_code,
            Arc::clone(flag),
        )
        .and_then(|_| signal_hook::flag::register(signal, Arc::clone(flag)))
        .map_err(|e| Failure::io(format!("error: cannot handle signal {signal}: {e}")))?;
    }
    Ok(())
}
