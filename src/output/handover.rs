//! Handing a message to a real-time callback through its ring, waiting for room when a burst
//! has filled it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rtrb::{Producer, PushError};

/// How long a full ring may stay full before its output counts as stalled: the callback
/// drains it every period, a few milliseconds.
const STALLED: Duration = Duration::from_secs(1);

/// The nap between tries: a fraction of the shortest period, so room is used soon after the
/// callback makes it.
const NAP: Duration = Duration::from_micros(250);

/// Pushes `item` onto `ring`. A full ring is a burst (thousands of messages at one instant),
/// not a failure: the sender waits for the callback to drain it, so the burst goes out a
/// little late instead of stopping the music. Gives up, returning `false`, when `gone` is
/// raised or the callback has made no room for a second. Sleeps, but neither allocates nor
/// locks.
pub fn hand_over<T>(ring: &mut Producer<T>, item: T, gone: &AtomicBool) -> bool {
    let mut item = item;
    let mut since: Option<Instant> = None;
    loop {
        match ring.push(item) {
            Ok(()) => return true,
            Err(PushError::Full(back)) => item = back,
        }
        let first_full = *since.get_or_insert_with(Instant::now);
        if gone.load(Ordering::Acquire) || first_full.elapsed() > STALLED {
            return false;
        }
        std::thread::sleep(NAP);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rtrb::RingBuffer;

    #[test]
    fn a_full_ring_waits_for_the_callback_to_drain_it() {
        let (mut producer, mut consumer) = RingBuffer::new(2);
        let gone = AtomicBool::new(false);
        assert!(hand_over(&mut producer, 1, &gone));
        assert!(hand_over(&mut producer, 2, &gone));
        let callback = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            let mut taken = Vec::new();
            while taken.len() < 3 {
                if let Ok(x) = consumer.pop() {
                    taken.push(x);
                }
            }
            taken
        });
        assert!(hand_over(&mut producer, 3, &gone), "waits, then fits");
        assert_eq!(callback.join().unwrap(), vec![1, 2, 3]);
    }

    #[test]
    fn a_ring_whose_output_went_away_gives_up() {
        let (mut producer, _consumer) = RingBuffer::new(1);
        let gone = AtomicBool::new(false);
        assert!(hand_over(&mut producer, 1, &gone));
        gone.store(true, Ordering::Release);
        assert!(!hand_over(&mut producer, 2, &gone));
    }
}
