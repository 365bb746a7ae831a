//! Which audio frame is heard when: the audio callback publishes it, the sink reads it.

use std::sync::atomic::{AtomicU64, Ordering, fence};
use std::time::Instant;

/// How often a reader retries while the callback is halfway through publishing.
const RETRIES: usize = 64;

/// The frame the audio callback is rendering and the moment it will be heard, as a
/// sequence lock: the callback (the only writer) never waits, and readers retry in the rare
/// case they overlap a write.
#[derive(Debug)]
pub struct AudioClock {
    base: Instant,
    seq: AtomicU64,
    frame: AtomicU64,
    heard: AtomicU64,
}

impl Default for AudioClock {
    fn default() -> Self {
        AudioClock::new()
    }
}

impl AudioClock {
    /// A clock that has not been published yet; times are counted from now.
    pub fn new() -> AudioClock {
        AudioClock {
            base: Instant::now(),
            seq: AtomicU64::new(0),
            frame: AtomicU64::new(0),
            heard: AtomicU64::new(0),
        }
    }

    /// Nanoseconds from the clock's base to `t` (negative before it).
    pub fn nanos(&self, t: Instant) -> i64 {
        match t.checked_duration_since(self.base) {
            Some(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
            None => -i64::try_from(self.base.duration_since(t).as_nanos()).unwrap_or(i64::MAX),
        }
    }

    /// The moment `nanos` nanoseconds from the clock's base.
    pub fn instant(&self, nanos: i64) -> Instant {
        if nanos >= 0 {
            self.base + std::time::Duration::from_nanos(nanos as u64)
        } else {
            self.base - std::time::Duration::from_nanos(nanos.unsigned_abs())
        }
    }

    /// When output frame `frame` is heard, by the latest report at `rate` frames a second.
    pub fn heard_at(&self, frame: u64, rate: f64) -> Option<Instant> {
        let (at, heard) = self.read()?;
        let nanos = heard as f64 + (frame as f64 - at as f64) / rate * 1e9;
        Some(self.instant(nanos as i64))
    }

    /// Publishes that `frame` will be heard at `heard` (the audio callback, once a period).
    pub fn publish(&self, frame: u64, heard: Instant) {
        let heard = self.nanos(heard).max(0) as u64;
        let s = self.seq.load(Ordering::Relaxed);
        self.seq.store(s.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        self.frame.store(frame, Ordering::Relaxed);
        self.heard.store(heard, Ordering::Relaxed);
        self.seq.store(s.wrapping_add(2), Ordering::Release);
    }

    /// The last published frame and when it is heard (nanoseconds from the base), or `None`
    /// before the first publish.
    pub fn read(&self) -> Option<(u64, i64)> {
        for _ in 0..RETRIES {
            let before = self.seq.load(Ordering::Acquire);
            if before == 0 {
                return None;
            }
            if before % 2 == 1 {
                std::hint::spin_loop();
                continue;
            }
            let frame = self.frame.load(Ordering::Relaxed);
            let heard = self.heard.load(Ordering::Relaxed);
            fence(Ordering::Acquire);
            if self.seq.load(Ordering::Relaxed) == before {
                return Some((frame, heard as i64));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_last_published_frame_is_read_back_whole() {
        let clock = AudioClock::new();
        assert_eq!(clock.read(), None);
        let at = clock.base + Duration::from_millis(5);
        clock.publish(480, at);
        assert_eq!(clock.read(), Some((480, 5_000_000)));
        clock.publish(736, at + Duration::from_millis(5));
        assert_eq!(clock.read(), Some((736, 10_000_000)));
    }

    #[test]
    fn readers_never_see_half_a_write() {
        let clock = std::sync::Arc::new(AudioClock::new());
        let writer = clock.clone();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = done.clone();
        let t = std::thread::spawn(move || {
            let mut frame = 0u64;
            while !stop.load(Ordering::Relaxed) {
                frame += 256;
                // The heard time is always frame × 1000 ns here.
                writer.publish(frame, writer.base + Duration::from_nanos(frame * 1000));
            }
        });
        for _ in 0..100_000 {
            if let Some((frame, heard)) = clock.read() {
                assert_eq!(heard, frame as i64 * 1000);
            }
        }
        done.store(true, Ordering::Relaxed);
        t.join().unwrap();
    }
}
