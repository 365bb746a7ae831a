//! Scratch buffers for queries: a combinator that must collect its child's events before
//! rewriting them (into another value type, or through a join) keeps one buffer and reuses
//! it, instead of allocating one per query. Queries run on the planner, render and UI
//! threads, never on a real-time one; two threads asking at once, or a query that comes
//! back into the same combinator, simply get a fresh buffer.

use std::sync::Mutex;

/// A reusable buffer of `E`s.
pub struct Scratch<E>(Mutex<Vec<E>>);

impl<E> Default for Scratch<E> {
    fn default() -> Self {
        Scratch(Mutex::new(Vec::new()))
    }
}

impl<E> Scratch<E> {
    /// Runs `f` with the buffer, empty; with a new one when the buffer is in use.
    pub fn with<R>(&self, f: impl FnOnce(&mut Vec<E>) -> R) -> R {
        match self.0.try_lock() {
            Ok(mut buf) => {
                buf.clear();
                let result = f(&mut buf);
                buf.clear();
                result
            }
            Err(_) => f(&mut Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_comes_back_empty_and_a_nested_borrower_gets_its_own() {
        let scratch: Scratch<u32> = Scratch::default();
        scratch.with(|a| {
            a.push(1);
            scratch.with(|b| {
                assert!(b.is_empty());
                b.push(2);
            });
            assert_eq!(a, &[1]);
        });
        scratch.with(|c| assert!(c.is_empty()));
    }
}
