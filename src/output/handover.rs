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
    let mut item = Some(item);
    until_taken(gone, || {
        let Some(next) = item.take() else {
            return true;
        };
        match ring.push(next) {
            Ok(()) => true,
            Err(PushError::Full(back)) => {
                item = Some(back);
                false
            }
        }
    })
}

/// Tries `take` until it succeeds, napping between tries: for an output that refuses a
/// message while its buffer is full (a ring, or ALSA's sequencer queue feeding a 31.25 kbaud
/// cable). Gives up, returning `false`, when `gone` is raised or a second has passed.
pub fn until_taken(gone: &AtomicBool, mut take: impl FnMut() -> bool) -> bool {
    let mut since: Option<Instant> = None;
    loop {
        if take() {
            return true;
        }
        let first_refusal = *since.get_or_insert_with(Instant::now);
        if gone.load(Ordering::Acquire) || first_refusal.elapsed() > STALLED {
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
    fn a_refusing_output_is_tried_again_until_it_takes_the_message() {
        let gone = AtomicBool::new(false);
        let mut refusals = 3;
        let taken = until_taken(&gone, || {
            refusals -= 1;
            refusals < 0
        });
        assert!(taken);
        assert_eq!(refusals, -1, "three refusals, then taken");
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
