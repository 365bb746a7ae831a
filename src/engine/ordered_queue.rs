//! A queue kept in time order for the real-time threads: messages mostly arrive in order and
//! are added at the back at no cost; one that arrives late but is due sooner (a key just
//! pressed) is put in its place. Allocated up front; adding and taking never allocate.

/// Items in order, earliest first, from `head` on.
#[derive(Debug)]
pub struct OrderedQueue<T> {
    items: Vec<T>,
    head: usize,
}

impl<T: Copy> OrderedQueue<T> {
    /// An empty queue with room for `capacity` items.
    pub fn with_capacity(capacity: usize) -> OrderedQueue<T> {
        OrderedQueue {
            items: Vec::with_capacity(capacity.max(1)),
            head: 0,
        }
    }

    /// How many items wait.
    pub fn len(&self) -> usize {
        self.items.len() - self.head
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether another item would not fit.
    pub fn is_full(&self) -> bool {
        self.len() >= self.items.capacity()
    }

    /// Adds `item` after every item not later than it (`later(a, b)`: `a` is due after `b`),
    /// so items due together keep the order they came in. Returns `false`, dropping nothing,
    /// when the queue is full.
    pub fn insert(&mut self, item: T, later: impl Fn(&T, &T) -> bool) -> bool {
        if self.items.len() == self.items.capacity() {
            if self.head == 0 {
                return false;
            }
            // Moves what waits to the front; the buffer keeps its size.
            self.items.drain(..self.head);
            self.head = 0;
        }
        let at = match self.items.last() {
            Some(last) if later(last, &item) => {
                self.head + self.items[self.head..].partition_point(|w| !later(w, &item))
            }
            _ => self.items.len(),
        };
        self.items.insert(at, item);
        true
    }

    /// The item due first.
    pub fn first(&self) -> Option<&T> {
        self.items.get(self.head)
    }

    /// Takes the item due first.
    pub fn pop(&mut self) -> Option<T> {
        let item = self.items.get(self.head).copied()?;
        self.head += 1;
        if self.head == self.items.len() {
            self.items.clear();
            self.head = 0;
        }
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn later(a: &(u32, char), b: &(u32, char)) -> bool {
        a.0 > b.0
    }

    #[test]
    fn a_late_arrival_due_sooner_goes_ahead_and_ties_keep_their_order() {
        let mut q = OrderedQueue::with_capacity(8);
        for item in [
            (10, 'a'),
            (20, 'b'),
            (20, 'c'),
            (30, 'd'),
            (15, 'e'),
            (20, 'f'),
        ] {
            assert!(q.insert(item, later));
        }
        let order: Vec<char> = std::iter::from_fn(|| q.pop()).map(|i| i.1).collect();
        assert_eq!(order, vec!['a', 'e', 'b', 'c', 'f', 'd']);
    }

    #[test]
    fn a_full_queue_refuses_and_makes_room_as_items_are_taken() {
        let mut q = OrderedQueue::with_capacity(2);
        assert!(q.insert((1, 'a'), later));
        assert!(q.insert((2, 'b'), later));
        assert!(q.is_full());
        assert!(!q.insert((3, 'c'), later), "full");
        assert_eq!(q.pop(), Some((1, 'a')));
        assert!(q.insert((0, 'd'), later), "room again");
        assert_eq!(q.pop(), Some((0, 'd')));
        assert_eq!(q.pop(), Some((2, 'b')));
        assert!(q.is_empty());
    }
}
