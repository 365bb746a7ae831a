//! Waiting for a deadline precisely: sleep most of the way, then spin.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long before a deadline the wait stops sleeping and spins; OS sleeps overshoot by tens
/// of microseconds, more under load.
const SPIN: Duration = Duration::from_micros(400);

/// The longest single sleep, so a stop request is seen within a few milliseconds.
const NAP: Duration = Duration::from_millis(4);

/// The instant `at` seconds after `epoch` (before it when negative), never panicking.
pub fn instant_at(epoch: Instant, at: f64) -> Instant {
    // Clamped to ±30 years: far beyond any song, and inside what `Instant` can hold.
    let secs = at.abs().min(1e9);
    let d = Duration::from_nanos((secs * 1e9) as u64);
    let moved = if at >= 0.0 {
        epoch.checked_add(d)
    } else {
        epoch.checked_sub(d)
    };
    moved.unwrap_or(epoch)
}

/// Seconds from `epoch` to `now` (negative before it).
pub fn seconds_since(epoch: Instant, now: Instant) -> f64 {
    match now.checked_duration_since(epoch) {
        Some(d) => d.as_secs_f64(),
        None => -epoch.duration_since(now).as_secs_f64(),
    }
}

/// Waits until `deadline`, spinning the last stretch when `precise`; returns `false` early if
/// `stop` is raised. Neither allocates nor locks.
pub fn wait_until(deadline: Instant, stop: &AtomicBool, precise: bool) -> bool {
    wait(deadline, stop, precise, NAP, || false)
}

/// The longest single sleep while new cues may come: a cue due sooner than the one waited
/// for (a key just pressed) is noticed within it.
const SHORT_NAP: Duration = Duration::from_millis(1);

/// [`wait_until`], also ending early (returning `false`) as soon as `news` says something
/// arrived that may be due sooner. Neither allocates nor locks.
pub fn wait_until_or(
    deadline: Instant,
    stop: &AtomicBool,
    precise: bool,
    news: impl Fn() -> bool,
) -> bool {
    wait(deadline, stop, precise, SHORT_NAP, news)
}

/// Sleeps in naps of at most `nap` (then spins, when `precise`) until `deadline`; `false`
/// when `stop` or `news` ends it first.
fn wait(
    deadline: Instant,
    stop: &AtomicBool,
    precise: bool,
    nap: Duration,
    news: impl Fn() -> bool,
) -> bool {
    loop {
        if stop.load(Ordering::Acquire) || news() {
            return false;
        }
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        let left = deadline - now;
        if !precise {
            std::thread::sleep(left.min(nap));
        } else if left > SPIN {
            std::thread::sleep((left - SPIN).min(nap));
        } else {
            std::hint::spin_loop();
        }
    }
}
