//! One written drum stroke: which hand, how it is articulated, and its ornaments.

/// The hand that plays a stroke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hand {
    /// The right hand, `R`.
    Right,
    /// The left hand, `L`.
    Left,
}

impl Hand {
    /// The other hand: the one that plays a stroke's grace notes, or the mirror image.
    pub const fn other(self) -> Hand {
        match self {
            Hand::Right => Hand::Left,
            Hand::Left => Hand::Right,
        }
    }

    /// `R` or `L`.
    pub const fn letter(self) -> char {
        match self {
            Hand::Right => 'R',
            Hand::Left => 'L',
        }
    }
}

/// How a stroke fills its pulse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Articulation {
    /// One stroke.
    Single,
    /// A diddle: two strokes of the same hand at double rate, the second half way through.
    Diddle,
    /// A buzz (multiple bounce) stroke: the stick pressed into the head so it bounces.
    ///
    /// Played as a burst of four evenly spaced bounces, each softer than the one before.
    Buzz,
}

/// Soft grace notes played by the other hand just before a stroke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Grace {
    /// One grace note.
    Flam,
    /// Two grace notes: a quick diddle into the stroke (a ruff).
    Drag,
}

/// One written stroke of a rudiment: the unit of its sticking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Stroke {
    /// The hand that plays the stroke (its graces come from the other hand).
    pub hand: Hand,
    /// Single, diddle or buzz.
    pub articulation: Articulation,
    /// Whether the stroke is accented (for a diddle: its first stroke).
    pub accent: bool,
    /// Grace notes before the stroke, if any.
    pub grace: Option<Grace>,
    /// How many of the rudiment's pulses the stroke lasts: the time until the next one.
    pub pulses: u32,
}

impl Stroke {
    /// An unaccented single stroke one pulse long.
    pub const fn tap(hand: Hand) -> Stroke {
        Stroke {
            hand,
            articulation: Articulation::Single,
            accent: false,
            grace: None,
            pulses: 1,
        }
    }

    /// The same stroke, accented.
    pub const fn accent(mut self) -> Stroke {
        self.accent = true;
        self
    }

    /// The same stroke as a diddle.
    pub const fn diddle(mut self) -> Stroke {
        self.articulation = Articulation::Diddle;
        self
    }

    /// The same stroke as a buzz.
    pub const fn buzz(mut self) -> Stroke {
        self.articulation = Articulation::Buzz;
        self
    }

    /// The same stroke with a flam's grace note.
    pub const fn flam(mut self) -> Stroke {
        self.grace = Some(Grace::Flam);
        self
    }

    /// The same stroke with a drag's two grace notes.
    pub const fn drag(mut self) -> Stroke {
        self.grace = Some(Grace::Drag);
        self
    }

    /// The same stroke lasting `pulses` pulses.
    pub const fn lasting(mut self, pulses: u32) -> Stroke {
        self.pulses = pulses;
        self
    }

    /// The same stroke played by the other hand.
    pub const fn mirrored(mut self) -> Stroke {
        self.hand = self.hand.other();
        self
    }

    /// How many times a stick hits the head for this stroke, graces not counted (a diddle is
    /// two; a buzz counts as one, as in roll names).
    pub const fn hits(&self) -> u32 {
        match self.articulation {
            Articulation::Diddle => 2,
            Articulation::Single | Articulation::Buzz => 1,
        }
    }
}
