//! The arpeggiator: turns held chords into a run of single notes on a grid of steps, with the
//! orders of Tidal's `arp` and of hardware arpeggiators, octave range, gate, swing, velocities.
//!
//! Steps fall at `k · step` from cycle 0 (global step index `k`), moved by swing. A step sounds
//! when a chord is held at its start, and plays what the *current* chord's sequence holds at the
//! step's index, so a chord change mid-run keeps the arp's place. With `reset`, the index counts
//! from the first step of the current chord instead; the grid itself never moves, so the arp
//! stays locked to the bar. Every query looks only at the steps that can reach the span asked
//! for, so it costs the same at cycle 10 000 as at cycle 0.

use super::hap::Hap;
use super::note::Note;
use super::pattern::Pattern;
use super::period;
use super::span::Span;
use crate::theory::tempo::Meter;
use crate::theory::time::Time;

/// The velocity of arp notes when the settings give no velocity list.
pub const DEFAULT_VELOCITY: u8 = 100;
/// The widest octave range an arp may run over.
pub const MAX_OCTAVES: u32 = 8;
/// The longest gate, as a multiple of the step, so a query never has to look far back.
pub const MAX_GATE: i64 = 8;
/// The longest step, in cycles.
pub const MAX_STEP: i64 = 16;
/// The shortest step is one cycle divided by this (a 1/1024 note in 4/4).
pub const MIN_STEP_DENOM: i64 = 1024;
/// How many steps a walk runs before it starts again from the lowest note, which bounds the
/// cost of finding where a walk is on a chord held for a very long time.
pub const WALK_RESTART_STEPS: i64 = 256;

/// The order in which an arpeggiator plays the held notes.
///
/// For the Tidal orders the notes are sorted low to high first; the examples show four held
/// notes 1 2 3 4. All orders run over the notes extended by the octave range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArpMode {
    /// 1 2 3 4.
    Up,
    /// 4 3 2 1.
    Down,
    /// 1 2 3 4 3 2: up and back without repeating the ends.
    UpDown,
    /// 4 3 2 1 2 3: down and back without repeating the ends.
    DownUp,
    /// 1 2 3 4 4 3 2 1: up and back, repeating the ends (Tidal's `up&down`).
    UpAndDown,
    /// 4 3 2 1 1 2 3 4: down and back, repeating the ends (Tidal's `down&up`).
    DownAndUp,
    /// 1 4 2 3: alternately from the outside in.
    Converge,
    /// 3 2 4 1: from the inside out (converge reversed).
    Diverge,
    /// 1 4 2 3 2 4 1: in, then out again.
    Disconverge,
    /// 1 4 2 4 3 4: each note followed by the top note.
    PinkyUp,
    /// 1 4 2 4 3 4 3 4 2 4: pinky up, then back down.
    PinkyUpDown,
    /// 1 2 1 3 1 4: the bottom note before each other note.
    ThumbUp,
    /// 1 2 1 3 1 4 1 3 1 2: thumb up, then back down.
    ThumbUpDown,
    /// The notes in the order they were written.
    AsPlayed,
    /// Any held note on each step, seeded and repeatable; notes may repeat.
    Random,
    /// Every held note once, in a random order, before any repeats.
    RandomOther,
    /// One random order, drawn per chord and kept for as long as that chord is held.
    RandomOnce,
    /// A random walk: half the time the next note up, a quarter the same note, a quarter the
    /// next note down, stopping at the ends. It sets out from the lowest note each time a
    /// chord is struck, and again every [`WALK_RESTART_STEPS`] steps of a chord held longer, so
    /// finding where it is never means replaying the song from the start.
    Walk,
    /// All held notes together on every step, climbing an octave per step over the range.
    Chord,
}

impl ArpMode {
    /// Every mode, in the order docs list them.
    pub const ALL: [ArpMode; 19] = [
        ArpMode::Up,
        ArpMode::Down,
        ArpMode::UpDown,
        ArpMode::DownUp,
        ArpMode::UpAndDown,
        ArpMode::DownAndUp,
        ArpMode::Converge,
        ArpMode::Diverge,
        ArpMode::Disconverge,
        ArpMode::PinkyUp,
        ArpMode::PinkyUpDown,
        ArpMode::ThumbUp,
        ArpMode::ThumbUpDown,
        ArpMode::AsPlayed,
        ArpMode::Random,
        ArpMode::RandomOther,
        ArpMode::RandomOnce,
        ArpMode::Walk,
        ArpMode::Chord,
    ];

    /// The mode's name as patterns write it (Tidal's names for Tidal's orders).
    pub fn name(self) -> &'static str {
        match self {
            ArpMode::Up => "up",
            ArpMode::Down => "down",
            ArpMode::UpDown => "updown",
            ArpMode::DownUp => "downup",
            ArpMode::UpAndDown => "up&down",
            ArpMode::DownAndUp => "down&up",
            ArpMode::Converge => "converge",
            ArpMode::Diverge => "diverge",
            ArpMode::Disconverge => "disconverge",
            ArpMode::PinkyUp => "pinkyup",
            ArpMode::PinkyUpDown => "pinkyupdown",
            ArpMode::ThumbUp => "thumbup",
            ArpMode::ThumbUpDown => "thumbupdown",
            ArpMode::AsPlayed => "as-played",
            ArpMode::Random => "random",
            ArpMode::RandomOther => "random-other",
            ArpMode::RandomOnce => "random-once",
            ArpMode::Walk => "walk",
            ArpMode::Chord => "chord",
        }
    }

    /// The mode with this name, ignoring case; `played`, `order`, `rand`, `shuffle`, `upanddown`
    /// and `downandup` are accepted too.
    pub fn from_name(name: &str) -> Option<ArpMode> {
        let lower = name.to_ascii_lowercase();
        let alias = match lower.as_str() {
            "played" | "asplayed" | "order" => Some(ArpMode::AsPlayed),
            "rand" => Some(ArpMode::Random),
            "randomother" | "shuffle" => Some(ArpMode::RandomOther),
            "randomonce" => Some(ArpMode::RandomOnce),
            "upanddown" => Some(ArpMode::UpAndDown),
            "downandup" => Some(ArpMode::DownAndUp),
            _ => None,
        };
        alias.or_else(|| ArpMode::ALL.into_iter().find(|m| m.name() == lower))
    }

    /// Every mode's name, for docs and suggestions.
    pub fn names() -> Vec<&'static str> {
        ArpMode::ALL.iter().map(|m| m.name()).collect()
    }

    /// The notes this mode plays for `held` over `octaves` octaves, in order, for the modes
    /// with a fixed order. The random modes and walk give the notes they choose from, lowest
    /// first; chord gives every note it sounds over the whole range. Notes may exceed 127 here;
    /// the arp drops those when it plays.
    pub fn order(self, held: &[u8], octaves: u32) -> Vec<u16> {
        let pool = extend_octaves(&distinct(held, self == ArpMode::AsPlayed), octaves);
        let sequence = match self {
            ArpMode::Up
            | ArpMode::AsPlayed
            | ArpMode::Random
            | ArpMode::RandomOther
            | ArpMode::RandomOnce
            | ArpMode::Walk
            | ArpMode::Chord => pool.clone(),
            ArpMode::Down => reversed(&pool),
            ArpMode::UpDown => concat(init(&pool), init(&reversed(&pool))),
            ArpMode::DownUp => concat(init(&reversed(&pool)), init(&pool)),
            ArpMode::UpAndDown => concat(&pool, &reversed(&pool)),
            ArpMode::DownAndUp => concat(&reversed(&pool), &pool),
            ArpMode::Converge => converge(&pool),
            ArpMode::Diverge => reversed(&converge(&pool)),
            ArpMode::Disconverge => {
                let inward = converge(&pool);
                concat(&inward, tail(&reversed(&inward)))
            }
            ArpMode::PinkyUp => pinky_up(&pool),
            ArpMode::PinkyUpDown => {
                let up = pinky_up(&pool);
                concat(init(&up), init(&reversed(&up)))
            }
            ArpMode::ThumbUp => thumb_up(&pool),
            ArpMode::ThumbUpDown => {
                let up = thumb_up(&pool);
                concat(init(&up), init(&reversed(&up)))
            }
        };
        // Tidal's orders give nothing for a single held note (`init [x]` is empty); a hardware
        // arp would still play that note, so flam does too.
        if sequence.is_empty() { pool } else { sequence }
    }
}

/// The held notes without repeats: sorted low to high, or in the order written.
fn distinct(held: &[u8], as_written: bool) -> Vec<u8> {
    let mut notes = Vec::with_capacity(held.len());
    distinct_into(held, as_written, &mut notes);
    notes
}

/// [`distinct`] into a buffer the caller reuses, so a step costs no allocation.
fn distinct_into(held: &[u8], as_written: bool, notes: &mut Vec<u8>) {
    notes.clear();
    for &n in held {
        if !notes.contains(&n) {
            notes.push(n);
        }
    }
    if !as_written {
        notes.sort_unstable();
    }
}

/// The notes followed by each further octave of them, before any order is applied, as
/// Ableton and Tidal extend the range.
fn extend_octaves(notes: &[u8], octaves: u32) -> Vec<u16> {
    (0..octaves.max(1))
        .flat_map(|k| notes.iter().map(move |&n| u16::from(n) + 12 * k as u16))
        .collect()
}

/// Haskell's `init`: all but the last.
fn init(x: &[u16]) -> &[u16] {
    x.split_last().map_or(x, |(_, rest)| rest)
}

/// Haskell's `tail`: all but the first.
fn tail(x: &[u16]) -> &[u16] {
    x.split_first().map_or(x, |(_, rest)| rest)
}

/// The notes back to front.
fn reversed(x: &[u16]) -> Vec<u16> {
    x.iter().rev().copied().collect()
}

/// One list after the other.
fn concat(a: &[u16], b: &[u16]) -> Vec<u16> {
    [a, b].concat()
}

/// Tidal's `converge`: first, last, second, second to last, … towards the middle.
fn converge(x: &[u16]) -> Vec<u16> {
    let (mut front, mut back) = (0, x.len());
    let mut out = Vec::with_capacity(x.len());
    while front < back {
        out.push(x[front]);
        front += 1;
        if front < back {
            back -= 1;
            out.push(x[back]);
        }
    }
    out
}

/// Tidal's `pinkyup`: every note but the top one, each followed by the top one.
fn pinky_up(x: &[u16]) -> Vec<u16> {
    let Some(&top) = x.last() else {
        return Vec::new();
    };
    init(x).iter().flat_map(|&n| [n, top]).collect()
}

/// Tidal's `thumbup`: every note but the bottom one, each preceded by the bottom one.
fn thumb_up(x: &[u16]) -> Vec<u16> {
    let Some(&bottom) = x.first() else {
        return Vec::new();
    };
    tail(x).iter().flat_map(|&n| [bottom, n]).collect()
}

/// How an arpeggiator plays: its order, range, rhythm and feel.
#[derive(Clone, Debug, PartialEq)]
pub struct ArpSettings {
    /// The order of the notes.
    pub mode: ArpMode,
    /// How many octaves the run covers, 1–8.
    pub octaves: u32,
    /// The length of a step in cycles; [`ArpSettings::with_rate`] converts a note value.
    pub step: Time,
    /// How long each note sounds, as a fraction of its step: 1/2 is staccato-ish 50%, above 1
    /// the note rings into the next step (legato). More than 0, at most 8.
    pub gate: Time,
    /// Where the second step of each pair starts, as a fraction of the pair: 1/2 is straight,
    /// 2/3 a triplet shuffle. Strictly between 0 and 1.
    pub swing: Time,
    /// Velocities cycled one per step, each 1–127; empty plays every note at 100. Rests count
    /// as steps, so accents stay on the same places in the bar.
    pub velocities: Vec<u8>,
    /// The seed of the random orders; the same seed plays the same notes.
    pub seed: u64,
    /// Count steps from the start of each chord instead of from cycle 0.
    pub reset: bool,
}

impl Default for ArpSettings {
    fn default() -> Self {
        ArpSettings {
            mode: ArpMode::Up,
            octaves: 1,
            step: Time::new(1, 16),
            gate: Time::new(1, 2),
            swing: Time::new(1, 2),
            velocities: vec![DEFAULT_VELOCITY],
            seed: 0,
            reset: false,
        }
    }
}

impl ArpSettings {
    /// The same settings with the step set from a note value (1/16, or 1/12 for 1/8T) in a
    /// meter: a sixteenth is 1/16 cycle in 4/4 and 1/12 in 3/4.
    pub fn with_rate(mut self, note_value: Time, meter: Meter) -> Self {
        self.step = meter.note_value_to_cycles(note_value);
        self
    }

    /// Checks every setting against its allowed range.
    pub fn validate(&self) -> Result<(), ArpError> {
        if !(1..=MAX_OCTAVES).contains(&self.octaves) {
            return Err(ArpError::Octaves(self.octaves));
        }
        if self.step < Time::new(1, MIN_STEP_DENOM) || self.step > Time::from_integer(MAX_STEP) {
            return Err(ArpError::Step(self.step));
        }
        if self.gate <= Time::from_integer(0) || self.gate > Time::from_integer(MAX_GATE) {
            return Err(ArpError::Gate(self.gate));
        }
        if self.swing <= Time::from_integer(0) || self.swing >= Time::from_integer(1) {
            return Err(ArpError::Swing(self.swing));
        }
        if let Some(&v) = self.velocities.iter().find(|v| !(1..=127).contains(*v)) {
            return Err(ArpError::Velocity(v));
        }
        Ok(())
    }
}

/// Why arp settings were refused, naming the allowed range and the value given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArpError {
    /// The octave range was outside 1–8.
    Octaves(u32),
    /// The step was shorter than 1/1024 or longer than 16 cycles.
    Step(Time),
    /// The gate was not above 0 and at most 8 steps.
    Gate(Time),
    /// The swing was not strictly between 0 and 1.
    Swing(Time),
    /// A velocity was outside 1–127.
    Velocity(u8),
}

impl std::fmt::Display for ArpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArpError::Octaves(n) => {
                write!(f, "arp octaves must be 1–{MAX_OCTAVES}, got {n}")
            }
            ArpError::Step(step) => write!(
                f,
                "arp step must be 1/{MIN_STEP_DENOM}–{MAX_STEP} cycles, got {step}"
            ),
            ArpError::Gate(gate) => write!(
                f,
                "arp gate must be more than 0 and at most {MAX_GATE} steps, got {gate}"
            ),
            ArpError::Swing(swing) => write!(
                f,
                "arp swing must be between 0 and 1 (1/2 is straight), got {swing}"
            ),
            ArpError::Velocity(v) => write!(f, "arp velocities must be 1–127, got {v}"),
        }
    }
}

impl std::error::Error for ArpError {}

impl Pattern<Vec<u8>> {
    /// Arpeggiates a pattern of held chords: each event's value is the MIDI notes held, in the
    /// order written, and its whole is how long they are held.
    pub fn arp(&self, settings: &ArpSettings) -> Result<Pattern<Note>, ArpError> {
        settings.validate()?;
        let arp = Arpeggiator::new(self.clone(), settings.clone());
        let steps = Time::from_integer(1) / settings.step;
        let period = arp.period();
        Ok(Pattern::new(move |span, out| arp.query(span, out))
            .with_steps(Some(steps))
            .with_period(period))
    }
}

/// Random streams, kept apart so that two modes never read the same numbers.
const STREAM_RANDOM: u64 = 1;
/// The stream random-other shuffles each window with.
const STREAM_OTHER: u64 = 2;
/// The stream random-once shuffles each chord with.
const STREAM_ONCE: u64 = 3;
/// The stream walk draws its moves from.
const STREAM_WALK: u64 = 4;

/// SplitMix64's finaliser: a well-mixed 64-bit value from any 64-bit value.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A random number that depends only on the seed, the stream and an index.
fn draw(seed: u64, stream: u64, index: i64) -> u64 {
    // Reinterpreting the index's bits is intended: negative steps get their own numbers too.
    splitmix(splitmix(seed ^ splitmix(stream)) ^ index as u64)
}

/// A random permutation of `0..n`, fixed by `key`.
fn shuffle(key: u64, n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    shuffle_in_place(key, &mut order);
    order
}

/// Shuffles `order` (Fisher–Yates), fixed by `key`; [`shuffle`] of `0..n` when it holds `0..n`.
fn shuffle_in_place(key: u64, order: &mut [usize]) {
    let mut state = key;
    for i in (1..order.len()).rev() {
        state = splitmix(state);
        let j = (state % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}

/// The longest order random-other shuffles on the stack; longer ones (huge chords over many
/// octaves) allocate.
const STACK_ORDER: usize = 64;

/// A stable hash of the held notes, so random-once keeps its order for as long as the same
/// notes are held.
fn notes_key(notes: &[u8]) -> u64 {
    notes
        .iter()
        .fold(0xF1A3_u64, |h, &n| splitmix(h ^ u64::from(n)))
}

/// The arp's working state for one held set of notes, reused while it does not change.
struct Run {
    /// The held notes, deduplicated, in the order written.
    held: Vec<u8>,
    /// The mode's sequence (or the pool random modes draw from).
    order: Vec<u16>,
    /// Random-once's order of indices into `order`.
    once: Vec<usize>,
}

/// Where a walk was, so consecutive steps of one query continue instead of replaying it.
#[derive(Clone, Copy)]
struct WalkMemo {
    /// The step the walk (re)started at.
    start: i64,
    /// The last step computed.
    step: i64,
    /// The position in the run's order at that step.
    position: usize,
}

/// The most cycles of chords an arp looks through for its period.
const HELD_SIZES_CYCLES: i64 = 256;

/// Everything held at `at`, merged into `held` as a keyboard merges held keys, and when the
/// latest of those chords was struck; `None` when nothing is held. The fragment test keeps an
/// event split over cycles from counting twice.
fn held_at(chords: &[Hap<Vec<u8>>], at: Time, held: &mut Vec<u8>) -> Option<Time> {
    held.clear();
    let mut chord_start: Option<Time> = None;
    for h in chords {
        let Some(w) = h.whole else { continue };
        // The fragment lies inside its event: holding at the fragment means holding.
        if h.part.begin <= at && at < h.part.end {
            held.extend_from_slice(&h.value);
            chord_start = Some(chord_start.map_or(w.begin, |s: Time| s.max(w.begin)));
        }
    }
    chord_start
}

/// A validated arpeggiator over a chord pattern.
struct Arpeggiator {
    chords: Pattern<Vec<u8>>,
    settings: ArpSettings,
    /// How far back from a query a note can start and still sound inside it.
    longest_note: Time,
    /// Two steps: the swing's pair.
    pair: Time,
    /// Where the second step of a pair starts, from the pair's start.
    swung: Time,
}

impl Arpeggiator {
    /// An arpeggiator; the settings are already validated.
    fn new(chords: Pattern<Vec<u8>>, settings: ArpSettings) -> Arpeggiator {
        let pair = settings.step * Time::from_integer(2);
        Arpeggiator {
            chords,
            longest_note: settings.step * settings.gate,
            pair,
            swung: pair * settings.swing,
            settings,
        }
    }

    /// How many cycles the arp takes to repeat, where it does: when the chords and the pairs
    /// of steps have both come round, and, counting steps from cycle 0, so has the step count
    /// (every velocity, and the order of every chord held). The random modes never repeat.
    fn period(&self) -> Option<i64> {
        if matches!(
            self.settings.mode,
            ArpMode::Random | ArpMode::RandomOther | ArpMode::Walk
        ) {
            return None;
        }
        let grid = period::lcm(self.chords.period(), period::of_length(self.pair))?;
        if self.settings.reset {
            return Some(grid);
        }
        let octaves = self.settings.octaves;
        let mut steps = Some(self.settings.velocities.len().max(1) as i64);
        if self.settings.mode == ArpMode::Chord {
            steps = period::lcm(steps, Some(i64::from(octaves.max(1))));
        } else {
            for size in self.held_sizes(grid)? {
                let keys: Vec<u8> = (0..size as u8).collect();
                let len = self.settings.mode.order(&keys, octaves).len().max(1);
                steps = period::lcm(steps, Some(len as i64));
            }
        }
        let counted = self.settings.step * Time::from_integer(steps?);
        period::lcm(Some(grid), period::of_length(counted))
    }

    /// How many different notes are held at the steps of the first `cycles` cycles, each
    /// count once; `None` when that is longer than [`HELD_SIZES_CYCLES`].
    fn held_sizes(&self, cycles: i64) -> Option<Vec<usize>> {
        if cycles > HELD_SIZES_CYCLES {
            return None;
        }
        let mut sizes = Vec::new();
        let (mut chords, mut held, mut notes) = (Vec::new(), Vec::new(), Vec::new());
        for c in 0..cycles {
            let (begin, end) = (Time::from_integer(c), Time::from_integer(c + 1));
            chords.clear();
            self.chords.query_into(Span::new(begin, end), &mut chords);
            let mut k = self.first_step_from(begin);
            while self.onset(k) < end {
                held_at(&chords, self.onset(k), &mut held);
                distinct_into(&held, true, &mut notes);
                if !notes.is_empty() && !sizes.contains(&notes.len()) {
                    sizes.push(notes.len());
                }
                k += 1;
            }
        }
        Some(sizes)
    }

    /// When step `k` starts: on the grid for the first of each pair, at `swing` of the pair for
    /// the second.
    fn onset(&self, k: i64) -> Time {
        let pair_start = self.pair * Time::from_integer(k.div_euclid(2));
        if k.rem_euclid(2) == 0 {
            pair_start
        } else {
            pair_start + self.swung
        }
    }

    /// The first step that starts at or after `t`.
    fn first_step_from(&self, t: Time) -> i64 {
        // Step k starts before (k + 1) · step, so no step before floor(t / step) can start
        // at or after t: this guess is at or before the answer, and the loop runs at most a
        // few times.
        let mut k = (t / self.settings.step).floor().to_integer();
        while self.onset(k) < t {
            k += 1;
        }
        k
    }

    /// Appends the arp's notes overlapping `span`.
    fn query(&self, span: Span, out: &mut Vec<Hap<Note>>) {
        let step = self.settings.step;
        // A note sounding at the span's start began after `begin - longest_note`, and step k
        // begins before (k + 1) · step: no step before this one can still sound.
        let first = ((span.begin - self.longest_note) / step)
            .floor()
            .to_integer();
        // Step k starts at k · step or later (swing only delays), so a step that starts
        // before the span ends has k < end / step.
        let last = (span.end / step).ceil().to_integer();
        let mut chords = Vec::new();
        // Bar by bar, as the engine asks, so a chord pattern that repeats answers from its
        // table; only which fragment holds a step's start matters below, not where it is cut.
        Span::new(self.onset(first), self.onset(last) + step)
            .for_each_cycle(|piece| self.chords.query_into(piece, &mut chords));
        chords.retain(|h| h.whole.is_some());
        if chords.is_empty() {
            return;
        }
        let mut run: Option<Run> = None;
        let mut walk: Option<WalkMemo> = None;
        let mut held = Vec::new();
        let mut current = Vec::new();
        // The first step of the chord last seen, found once per chord rather than per step.
        let mut first_steps: Option<(Time, i64)> = None;
        let as_written = self.settings.mode == ArpMode::AsPlayed;
        let mut next_begin = self.onset(first);
        for k in first..=last {
            let begin = next_begin;
            next_begin = self.onset(k + 1);
            // Swing moves where a note starts, never how long it is: every note lasts its
            // step times the gate, as in Strudel's and Tidal's `swingBy` and MPC swing.
            let whole = Span::new(begin, begin + step * self.settings.gate);
            let Some(part) = whole.intersection(&span) else {
                continue;
            };
            let Some(chord_start) = held_at(&chords, begin, &mut held) else {
                continue;
            };
            if held.is_empty() {
                continue;
            }
            distinct_into(&held, as_written, &mut current);
            if run.as_ref().is_none_or(|r| r.held != current) {
                run = Some(self.run(current.clone()));
                walk = None;
            }
            let Some(active) = run.as_ref() else { continue };
            let chord_first_step = match first_steps {
                Some((start, step)) if start == chord_start => step,
                _ => {
                    let step = self.first_step_from(chord_start);
                    first_steps = Some((chord_start, step));
                    step
                }
            };
            let index = if self.settings.reset {
                k - chord_first_step
            } else {
                k
            };
            let velocity = self.velocity(index);
            let mut play = |key: u16| {
                if let Ok(key) = u8::try_from(key)
                    && key <= 127
                {
                    out.push(Hap::new(Some(whole), part, Note::new(key, velocity)));
                }
            };
            match self.settings.mode {
                ArpMode::Chord => {
                    let octave = index.rem_euclid(i64::from(self.settings.octaves)) as u16;
                    for &n in &active.held {
                        play(u16::from(n) + 12 * octave);
                    }
                }
                ArpMode::Walk => {
                    let position = self.walk(active, &mut walk, chord_first_step, k, index);
                    if let Some(&key) = active.order.get(position) {
                        play(key);
                    }
                }
                _ => {
                    if let Some(key) = self.pick(active, index) {
                        play(key);
                    }
                }
            }
        }
    }

    /// The sequence and random-once order for a held set of notes.
    fn run(&self, held: Vec<u8>) -> Run {
        let order = self.settings.mode.order(&held, self.settings.octaves);
        let once = if self.settings.mode == ArpMode::RandomOnce {
            shuffle(
                draw(self.settings.seed, STREAM_ONCE, notes_key(&held) as i64),
                order.len(),
            )
        } else {
            Vec::new()
        };
        Run { held, order, once }
    }

    /// The velocity of the step with this index.
    fn velocity(&self, index: i64) -> u8 {
        let velocities = &self.settings.velocities;
        let len = velocities.len() as i64;
        if len == 0 {
            return DEFAULT_VELOCITY;
        }
        velocities[index.rem_euclid(len) as usize]
    }

    /// The note of the step with this index, for every mode but walk and chord.
    fn pick(&self, run: &Run, index: i64) -> Option<u16> {
        let n = run.order.len() as i64;
        if n == 0 {
            return None;
        }
        let seed = self.settings.seed;
        let position = match self.settings.mode {
            ArpMode::Random => (draw(seed, STREAM_RANDOM, index) % n as u64) as usize,
            ArpMode::RandomOther => random_other_position(seed, n, index),
            ArpMode::RandomOnce => *run.once.get(index.rem_euclid(n) as usize)?,
            _ => index.rem_euclid(n) as usize,
        };
        run.order.get(position).copied()
    }

    /// Where the walk is at step `k` (with step index `index`): it starts on the lowest note at
    /// the chord's first step and again every [`WALK_RESTART_STEPS`] steps after.
    fn walk(
        &self,
        run: &Run,
        memo: &mut Option<WalkMemo>,
        chord_first_step: i64,
        k: i64,
        index: i64,
    ) -> usize {
        let since = (k - chord_first_step).max(0);
        let start = chord_first_step + since - since % WALK_RESTART_STEPS;
        let (mut step, mut position) = match *memo {
            Some(m) if m.start == start && m.step <= k => (m.step, m.position),
            _ => (start, 0),
        };
        let top = run.order.len().saturating_sub(1);
        // Moves are keyed by step index, so with `reset` every chord walks the same way.
        let index_offset = k - index;
        while step < k {
            step += 1;
            position = match draw(self.settings.seed, STREAM_WALK, step - index_offset) % 4 {
                0 | 1 => (position + 1).min(top),
                2 => position,
                _ => position.saturating_sub(1),
            };
        }
        *memo = Some(WalkMemo {
            start,
            step,
            position,
        });
        position
    }
}

/// Random-other's choice for a step: each aligned window of `n` steps is a random permutation
/// of the notes, and a window never starts on the note the last one ended on.
fn random_other_position(seed: u64, n: i64, index: i64) -> usize {
    let window = index.div_euclid(n);
    let offset = index.rem_euclid(n) as usize;
    let len = n as usize;
    if len <= 2 {
        // With two notes, avoiding a repeat across windows leaves one choice: keep the order.
        return shuffle(draw(seed, STREAM_OTHER, 0), len)[offset];
    }
    if len > STACK_ORDER {
        let mut order = shuffle(draw(seed, STREAM_OTHER, window), len);
        let previous = shuffle(draw(seed, STREAM_OTHER, window - 1), len);
        // Swapping the first two keeps the window's last note, so the previous window's last
        // note is the one from its raw shuffle and this needs no chain of earlier windows.
        if order.first() == previous.last() {
            order.swap(0, 1);
        }
        return order[offset];
    }
    let mut identity = [0usize; STACK_ORDER];
    identity.iter_mut().enumerate().for_each(|(i, x)| *x = i);
    let (mut order, mut previous) = (identity, identity);
    let (order, previous) = (&mut order[..len], &mut previous[..len]);
    shuffle_in_place(draw(seed, STREAM_OTHER, window), order);
    shuffle_in_place(draw(seed, STREAM_OTHER, window - 1), previous);
    if order.first() == previous.last() {
        order.swap(0, 1);
    }
    order[offset]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::{Arc, Mutex};

    const CMAJ7: [u8; 4] = [60, 64, 67, 71];

    fn t(n: i64, d: i64) -> Time {
        Time::new(n, d)
    }

    /// A pattern holding each chord over its own span, once.
    fn held(chords: Vec<(Time, Time, Vec<u8>)>) -> Pattern<Vec<u8>> {
        Pattern::new(move |span, out| {
            for (begin, end, notes) in &chords {
                let whole = Span::new(*begin, *end);
                if let Some(part) = whole.intersection(&span) {
                    out.push(Hap::new(Some(whole), part, notes.clone()));
                }
            }
        })
    }

    /// The struck notes of `pattern` between two times, in time order.
    fn struck(pattern: &Pattern<Note>, begin: Time, end: Time) -> Vec<Hap<Note>> {
        let mut haps: Vec<Hap<Note>> = pattern
            .query(Span::new(begin, end))
            .into_iter()
            .filter(Hap::has_onset)
            .collect();
        haps.sort_by_key(|h| h.part.begin);
        haps
    }

    fn keys(haps: &[Hap<Note>]) -> Vec<u8> {
        haps.iter().map(|h| h.value.key).collect()
    }

    /// The first `count` notes of Cmaj7 held forever, in sixteenths over two octaves.
    fn two_octaves(mode: ArpMode, count: i64) -> Vec<u8> {
        let settings = ArpSettings {
            mode,
            octaves: 2,
            ..ArpSettings::default()
        };
        let pattern = Pattern::pure(CMAJ7.to_vec()).arp(&settings).unwrap();
        keys(&struck(&pattern, t(0, 1), t(count, 16)))
    }

    fn in_four(mode: ArpMode) -> Vec<u16> {
        mode.order(&[1, 2, 3, 4], 1)
    }

    #[test]
    fn up_climbs_the_chord_and_then_the_octave_above() {
        assert_eq!(in_four(ArpMode::Up), [1, 2, 3, 4]);
        assert_eq!(
            two_octaves(ArpMode::Up, 16),
            [
                60, 64, 67, 71, 72, 76, 79, 83, 60, 64, 67, 71, 72, 76, 79, 83
            ]
        );
    }

    #[test]
    fn down_falls_from_the_top_of_the_second_octave() {
        assert_eq!(in_four(ArpMode::Down), [4, 3, 2, 1]);
        assert_eq!(
            two_octaves(ArpMode::Down, 8),
            [83, 79, 76, 72, 71, 67, 64, 60]
        );
    }

    #[test]
    fn updown_bounces_without_repeating_the_top_note() {
        assert_eq!(in_four(ArpMode::UpDown), [1, 2, 3, 4, 3, 2]);
        assert_eq!(
            two_octaves(ArpMode::UpDown, 16),
            [
                60, 64, 67, 71, 72, 76, 79, 83, 79, 76, 72, 71, 67, 64, 60, 64
            ]
        );
    }

    #[test]
    fn downup_bounces_without_repeating_the_bottom_note() {
        assert_eq!(in_four(ArpMode::DownUp), [4, 3, 2, 1, 2, 3]);
        assert_eq!(
            two_octaves(ArpMode::DownUp, 16),
            [
                83, 79, 76, 72, 71, 67, 64, 60, 64, 67, 71, 72, 76, 79, 83, 79
            ]
        );
    }

    #[test]
    fn up_and_down_plays_the_top_and_bottom_notes_twice() {
        assert_eq!(in_four(ArpMode::UpAndDown), [1, 2, 3, 4, 4, 3, 2, 1]);
        assert_eq!(
            two_octaves(ArpMode::UpAndDown, 16),
            [
                60, 64, 67, 71, 72, 76, 79, 83, 83, 79, 76, 72, 71, 67, 64, 60
            ]
        );
    }

    #[test]
    fn down_and_up_plays_the_bottom_and_top_notes_twice() {
        assert_eq!(in_four(ArpMode::DownAndUp), [4, 3, 2, 1, 1, 2, 3, 4]);
        assert_eq!(
            two_octaves(ArpMode::DownAndUp, 16),
            [
                83, 79, 76, 72, 71, 67, 64, 60, 60, 64, 67, 71, 72, 76, 79, 83
            ]
        );
    }

    #[test]
    fn converge_closes_in_from_both_ends() {
        assert_eq!(in_four(ArpMode::Converge), [1, 4, 2, 3]);
        assert_eq!(
            two_octaves(ArpMode::Converge, 8),
            [60, 83, 64, 79, 67, 76, 71, 72]
        );
    }

    #[test]
    fn diverge_opens_out_from_the_middle() {
        assert_eq!(in_four(ArpMode::Diverge), [3, 2, 4, 1]);
        assert_eq!(
            two_octaves(ArpMode::Diverge, 8),
            [72, 71, 76, 67, 79, 64, 83, 60]
        );
    }

    #[test]
    fn disconverge_closes_in_then_opens_out_again() {
        assert_eq!(in_four(ArpMode::Disconverge), [1, 4, 2, 3, 2, 4, 1]);
        assert_eq!(
            two_octaves(ArpMode::Disconverge, 16),
            [
                60, 83, 64, 79, 67, 76, 71, 72, 71, 76, 67, 79, 64, 83, 60, 60
            ]
        );
    }

    #[test]
    fn pinkyup_returns_to_the_top_note_after_each_note() {
        assert_eq!(in_four(ArpMode::PinkyUp), [1, 4, 2, 4, 3, 4]);
        assert_eq!(
            two_octaves(ArpMode::PinkyUp, 14),
            [60, 83, 64, 83, 67, 83, 71, 83, 72, 83, 76, 83, 79, 83]
        );
    }

    #[test]
    fn pinkyupdown_climbs_under_the_top_note_and_comes_back() {
        assert_eq!(
            in_four(ArpMode::PinkyUpDown),
            [1, 4, 2, 4, 3, 4, 3, 4, 2, 4]
        );
        assert_eq!(
            two_octaves(ArpMode::PinkyUpDown, 26),
            [
                60, 83, 64, 83, 67, 83, 71, 83, 72, 83, 76, 83, 79, 83, 79, 83, 76, 83, 72, 83, 71,
                83, 67, 83, 64, 83
            ]
        );
    }

    #[test]
    fn thumbup_returns_to_the_bottom_note_before_each_note() {
        assert_eq!(in_four(ArpMode::ThumbUp), [1, 2, 1, 3, 1, 4]);
        assert_eq!(
            two_octaves(ArpMode::ThumbUp, 14),
            [60, 64, 60, 67, 60, 71, 60, 72, 60, 76, 60, 79, 60, 83]
        );
    }

    #[test]
    fn thumbupdown_climbs_over_the_bottom_note_and_comes_back() {
        assert_eq!(
            in_four(ArpMode::ThumbUpDown),
            [1, 2, 1, 3, 1, 4, 1, 3, 1, 2]
        );
        assert_eq!(
            two_octaves(ArpMode::ThumbUpDown, 26),
            [
                60, 64, 60, 67, 60, 71, 60, 72, 60, 76, 60, 79, 60, 83, 60, 79, 60, 76, 60, 72, 60,
                71, 60, 67, 60, 64
            ]
        );
    }

    #[test]
    fn as_played_keeps_the_order_the_chord_was_written_in() {
        let settings = ArpSettings {
            mode: ArpMode::AsPlayed,
            octaves: 2,
            ..ArpSettings::default()
        };
        let pattern = Pattern::pure(vec![67, 60, 71, 64]).arp(&settings).unwrap();
        assert_eq!(
            keys(&struck(&pattern, t(0, 1), t(8, 16))),
            [67, 60, 71, 64, 79, 72, 83, 76]
        );
    }

    #[test]
    fn a_single_held_note_still_sounds_in_every_order() {
        for mode in ArpMode::ALL {
            let settings = ArpSettings {
                mode,
                ..ArpSettings::default()
            };
            let pattern = Pattern::pure(vec![60]).arp(&settings).unwrap();
            assert_eq!(
                keys(&struck(&pattern, t(0, 1), t(4, 16))),
                [60, 60, 60, 60],
                "{}",
                mode.name()
            );
        }
    }

    fn random_run(mode: ArpMode, seed: u64, steps: i64) -> Vec<u8> {
        let settings = ArpSettings {
            mode,
            octaves: 2,
            seed,
            ..ArpSettings::default()
        };
        let pattern = Pattern::pure(CMAJ7.to_vec()).arp(&settings).unwrap();
        keys(&struck(&pattern, t(0, 1), t(steps, 16)))
    }

    #[test]
    fn random_plays_only_held_notes_and_the_same_seed_plays_them_again() {
        let pool = two_octaves(ArpMode::Up, 8);
        let first = random_run(ArpMode::Random, 7, 64);
        assert_eq!(first.len(), 64);
        assert!(first.iter().all(|n| pool.contains(n)));
        assert_eq!(first, random_run(ArpMode::Random, 7, 64));
        assert_ne!(first, random_run(ArpMode::Random, 8, 64));
        // Over many steps every note of the range comes up.
        assert!(pool.iter().all(|n| first.contains(n)));
    }

    #[test]
    fn random_other_plays_every_note_before_any_repeats() {
        let run = random_run(ArpMode::RandomOther, 3, 64);
        let mut pool = two_octaves(ArpMode::Up, 8);
        pool.sort_unstable();
        for window in run.chunks(8) {
            let mut notes = window.to_vec();
            notes.sort_unstable();
            assert_eq!(notes, pool);
        }
        for pair in run.windows(2) {
            assert_ne!(pair[0], pair[1], "a note repeated across windows");
        }
        assert_ne!(run[..8], run[8..16], "every window is shuffled anew");
    }

    #[test]
    fn random_once_keeps_one_shuffle_until_the_chord_changes() {
        let am7 = vec![57, 60, 64, 67];
        let pattern = held(vec![
            (t(0, 1), t(2, 1), CMAJ7.to_vec()),
            (t(2, 1), t(4, 1), am7.clone()),
        ])
        .arp(&ArpSettings {
            mode: ArpMode::RandomOnce,
            seed: 11,
            ..ArpSettings::default()
        })
        .unwrap();
        let c = keys(&struck(&pattern, t(0, 1), t(2, 1)));
        let shuffled = &c[..4];
        assert_ne!(shuffled, CMAJ7, "shuffled, not played upwards");
        let mut sorted = shuffled.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, CMAJ7);
        for window in c.chunks(4) {
            assert_eq!(window, shuffled);
        }
        let a = keys(&struck(&pattern, t(2, 1), t(4, 1)));
        let mut a_sorted = a[..4].to_vec();
        a_sorted.sort_unstable();
        assert_eq!(a_sorted, am7);
        assert_ne!(a[..4], am7, "shuffled, not played upwards");
        assert!(a.chunks(4).all(|w| w == &a[..4]));
    }

    /// A walk over Cmaj7 in two octaves (seed 5), held for `bars` bars.
    fn walk_over_cmaj7(bars: i64) -> Pattern<Note> {
        held(vec![(t(0, 1), t(bars, 1), CMAJ7.to_vec())])
            .arp(&ArpSettings {
                mode: ArpMode::Walk,
                octaves: 2,
                seed: 5,
                ..ArpSettings::default()
            })
            .unwrap()
    }

    #[test]
    fn walk_steps_to_a_neighbour_or_stays_and_starts_from_the_bottom() {
        let pool = two_octaves(ArpMode::Up, 8);
        let pattern = walk_over_cmaj7(4);
        let run = keys(&struck(&pattern, t(0, 1), t(4, 1)));
        assert_eq!(run.len(), 64);
        assert_eq!(run[0], 60);
        let positions: Vec<i64> = run
            .iter()
            .map(|n| pool.iter().position(|p| p == n).unwrap() as i64)
            .collect();
        assert!(positions.windows(2).all(|w| (w[1] - w[0]).abs() <= 1));
        assert!(positions.windows(2).any(|w| w[1] > w[0]));
        assert!(positions.windows(2).any(|w| w[1] == w[0]));
        // Asking for one step on its own gives the same note as the whole run did.
        for (i, &key) in run.iter().enumerate() {
            let at = t(i as i64, 16);
            assert_eq!(keys(&struck(&pattern, at, at + t(1, 16))), [key]);
        }
    }

    #[test]
    fn every_mode_is_found_by_its_name_and_its_other_names_in_any_case() {
        for mode in ArpMode::ALL {
            assert_eq!(ArpMode::from_name(mode.name()), Some(mode));
            assert_eq!(
                ArpMode::from_name(&mode.name().to_ascii_uppercase()),
                Some(mode)
            );
        }
        for (alias, mode) in [
            ("played", ArpMode::AsPlayed),
            ("asplayed", ArpMode::AsPlayed),
            ("order", ArpMode::AsPlayed),
            ("rand", ArpMode::Random),
            ("randomother", ArpMode::RandomOther),
            ("shuffle", ArpMode::RandomOther),
            ("randomonce", ArpMode::RandomOnce),
            ("upanddown", ArpMode::UpAndDown),
            ("DownAndUp", ArpMode::DownAndUp),
            ("UP&DOWN", ArpMode::UpAndDown),
        ] {
            assert_eq!(ArpMode::from_name(alias), Some(mode), "{alias}");
        }
        assert_eq!(ArpMode::from_name("sideways"), None);
        assert_eq!(ArpMode::names().len(), ArpMode::ALL.len());
    }

    #[test]
    fn settings_at_the_edges_of_their_ranges_are_taken_and_one_past_them_refused() {
        let with = |f: &dyn Fn(&mut ArpSettings)| {
            let mut s = ArpSettings::default();
            f(&mut s);
            s.validate()
        };
        // Steps from 1/1024 of a bar to 16 bars.
        assert!(with(&|s| s.step = t(1, MIN_STEP_DENOM)).is_ok());
        assert!(with(&|s| s.step = t(1, MIN_STEP_DENOM + 1)).is_err());
        assert!(with(&|s| s.step = t(MAX_STEP, 1)).is_ok());
        assert!(with(&|s| s.step = t(MAX_STEP * 64 + 1, 64)).is_err());
        // A gate up to eight steps; octaves 1 to 8; velocities 1 to 127.
        assert!(with(&|s| s.gate = t(MAX_GATE, 1)).is_ok());
        assert!(with(&|s| s.gate = t(MAX_GATE * 100 + 1, 100)).is_err());
        assert!(with(&|s| s.octaves = 1).is_ok());
        assert!(with(&|s| s.octaves = 0).is_err());
        assert!(with(&|s| s.octaves = MAX_OCTAVES).is_ok());
        assert!(with(&|s| s.velocities = vec![1, 127]).is_ok());
        assert!(with(&|s| s.velocities = vec![64, 0]).is_err());
        assert!(with(&|s| s.velocities = vec![128]).is_err());
        // Swing strictly between 0 and 1.
        assert!(with(&|s| s.swing = t(1, 100)).is_ok());
        assert!(with(&|s| s.swing = t(0, 1)).is_err());
    }

    #[test]
    fn converge_diverge_and_disconverge_play_the_middle_of_a_triad_once() {
        let triad = [60, 64, 67];
        assert_eq!(ArpMode::Converge.order(&triad, 1), [60, 67, 64]);
        assert_eq!(ArpMode::Diverge.order(&triad, 1), [64, 67, 60]);
        assert_eq!(ArpMode::Disconverge.order(&triad, 1), [60, 67, 64, 67, 60]);
        // Five notes (a triad over two octaves would be six): the middle one, once.
        let five = [1, 2, 3, 4, 5];
        assert_eq!(ArpMode::Converge.order(&five, 1), [1, 5, 2, 4, 3]);
        assert_eq!(ArpMode::Diverge.order(&five, 1), [3, 4, 2, 5, 1]);
        assert_eq!(
            ArpMode::Disconverge.order(&five, 1),
            [1, 5, 2, 4, 3, 4, 2, 5, 1]
        );
    }

    /// Random-once's order of a four-note chord, as positions 0–3 in the chord from the bottom.
    fn once_positions(chord: &[u8], seed: u64) -> Vec<usize> {
        let pattern = Pattern::pure(chord.to_vec())
            .arp(&ArpSettings {
                mode: ArpMode::RandomOnce,
                seed,
                ..ArpSettings::default()
            })
            .unwrap();
        let mut sorted = chord.to_vec();
        sorted.sort_unstable();
        keys(&struck(&pattern, t(0, 1), t(4, 16)))
            .iter()
            .map(|k| sorted.iter().position(|n| n == k).unwrap())
            .collect()
    }

    #[test]
    fn random_once_shuffles_each_chord_anew_not_each_chord_size() {
        let chords: [&[u8]; 4] = [
            &CMAJ7,
            &[57, 60, 64, 67],
            &[62, 65, 69, 72],
            &[55, 59, 62, 65],
        ];
        for seed in [1, 11, 42] {
            let orders: Vec<Vec<usize>> = chords.iter().map(|c| once_positions(c, seed)).collect();
            // Not the chord as written, and not one shuffle shared by every four-note chord.
            assert!(
                orders.iter().any(|o| o != &[0, 1, 2, 3]),
                "seed {seed}: {orders:?}"
            );
            assert!(
                orders.iter().any(|o| o != &orders[0]),
                "seed {seed}: every chord got the same shuffle {orders:?}"
            );
        }
        // The same chord and seed always shuffle alike; another seed shuffles otherwise.
        assert_eq!(once_positions(&CMAJ7, 11), once_positions(&CMAJ7, 11));
        let seeds: Vec<Vec<usize>> = (0..8).map(|s| once_positions(&CMAJ7, s)).collect();
        assert!(seeds.iter().any(|o| o != &seeds[0]), "{seeds:?}");
    }

    #[test]
    fn a_saved_song_keeps_its_random_once_order_from_version_to_version() {
        // The shuffle is keyed by the notes held and the seed: pinned, so a song plays the
        // same notes after an upgrade.
        assert_eq!(once_positions(&CMAJ7, 11), [2, 1, 0, 3]);
        assert_eq!(once_positions(&[57, 60, 64, 67], 11), [3, 2, 0, 1]);
    }

    #[test]
    fn an_arp_in_sixteenths_counts_sixteen_steps_a_bar() {
        let pattern = Pattern::pure(CMAJ7.to_vec())
            .arp(&ArpSettings::default())
            .unwrap();
        assert_eq!(pattern.steps(), Some(t(16, 1)));
        let eighths = ArpSettings {
            step: t(1, 8),
            ..ArpSettings::default()
        };
        let pattern = Pattern::pure(CMAJ7.to_vec()).arp(&eighths).unwrap();
        assert_eq!(pattern.steps(), Some(t(8, 1)));
    }

    #[test]
    fn random_other_never_repeats_a_note_across_windows_even_for_huge_chords() {
        // Eleven notes over eight octaves: 88 to shuffle, more than fit on the stack.
        let cluster: Vec<u8> = (0..11).map(|i| 24 + i).collect();
        // 8 seeds × 30 windows: 232 window boundaries, enough that a raw shuffle starting on
        // the last window's note (1 in 88) comes up several times and has to be avoided.
        for seed in 0..8 {
            let settings = ArpSettings {
                mode: ArpMode::RandomOther,
                octaves: 8,
                seed,
                ..ArpSettings::default()
            };
            let pattern = Pattern::pure(cluster.clone()).arp(&settings).unwrap();
            let run = keys(&struck(&pattern, t(0, 1), t(88 * 30, 16)));
            assert_eq!(run.len(), 88 * 30);
            let mut pool = settings.mode.order(&cluster, 8);
            pool.sort_unstable();
            for window in run.chunks(88) {
                let mut notes: Vec<u16> = window.iter().map(|&k| u16::from(k)).collect();
                notes.sort_unstable();
                assert_eq!(
                    notes, pool,
                    "seed {seed}: each window plays every note once"
                );
            }
            for pair in run.windows(2) {
                assert_ne!(
                    pair[0], pair[1],
                    "seed {seed}: a note repeated across windows"
                );
            }
        }
        // Three to eight notes, many seeds: a window never starts on the note the last ended on.
        for size in 3..=8u8 {
            let chord: Vec<u8> = (0..size).map(|i| 60 + 2 * i).collect();
            for seed in 0..20 {
                let settings = ArpSettings {
                    mode: ArpMode::RandomOther,
                    seed,
                    ..ArpSettings::default()
                };
                let pattern = Pattern::pure(chord.clone()).arp(&settings).unwrap();
                let run = keys(&struck(&pattern, t(0, 1), t(i64::from(size) * 12, 16)));
                for pair in run.windows(2) {
                    assert_ne!(pair[0], pair[1], "{size} notes, seed {seed}: {run:?}");
                }
            }
        }
    }

    #[test]
    fn random_other_with_two_notes_alternates() {
        let settings = ArpSettings {
            mode: ArpMode::RandomOther,
            seed: 9,
            ..ArpSettings::default()
        };
        let pattern = Pattern::pure(vec![60, 67]).arp(&settings).unwrap();
        let run = keys(&struck(&pattern, t(0, 1), t(16, 16)));
        for pair in run.windows(2) {
            assert_ne!(pair[0], pair[1], "{run:?}");
        }
    }

    #[test]
    fn walk_moves_up_twice_as_often_as_it_stays_or_falls_and_restarts_from_the_bottom() {
        let pool = two_octaves(ArpMode::Up, 8);
        let pattern = walk_over_cmaj7(40);
        let steps = WALK_RESTART_STEPS * 2 + 16;
        let run = keys(&struck(&pattern, t(0, 1), t(steps, 16)));
        assert_eq!(run.len() as i64, steps, "one note a step");
        let position = |k: &u8| pool.iter().position(|p| p == k).unwrap() as i64;
        // Away from the ends, the moves come up in the proportions up 2 : stay 1 : down 1.
        let (mut up, mut stay, mut down) = (0, 0, 0);
        for (i, w) in run.windows(2).enumerate() {
            let (a, b) = (position(&w[0]), position(&w[1]));
            if a == 0 || a == 7 || (i as i64 + 1) % WALK_RESTART_STEPS == 0 {
                continue;
            }
            match b - a {
                1 => up += 1,
                0 => stay += 1,
                -1 => down += 1,
                jump => panic!("the walk jumped {jump} places"),
            }
        }
        let moves = f64::from(up + stay + down);
        println!("walk: up {up}, stay {stay}, down {down}");
        assert!(
            (f64::from(up) / moves - 0.5).abs() < 0.1,
            "up {up} of {moves}"
        );
        assert!(
            (f64::from(stay) / moves - 0.25).abs() < 0.1,
            "stay {stay} of {moves}"
        );
        assert!(
            (f64::from(down) / moves - 0.25).abs() < 0.1,
            "down {down} of {moves}"
        );
        // It starts on the bottom note, and again every WALK_RESTART_STEPS steps.
        for restart in [0, WALK_RESTART_STEPS, 2 * WALK_RESTART_STEPS] {
            assert_eq!(run[restart as usize], 60, "step {restart}");
        }
        // The step before a restart is wherever the walk got to; asked for on its own, each
        // step is the note the whole run had.
        for k in [1, 2, 3, WALK_RESTART_STEPS - 1, WALK_RESTART_STEPS + 1] {
            let at = t(k, 16);
            assert_eq!(
                keys(&struck(&pattern, at, at + t(1, 16))),
                [run[k as usize]]
            );
        }
    }

    #[test]
    fn with_reset_a_chord_that_starts_later_walks_exactly_as_one_from_the_top() {
        let walk_from = |bar: i64| {
            let pattern = held(vec![(t(bar, 1), t(bar + 24, 1), CMAJ7.to_vec())])
                .arp(&ArpSettings {
                    mode: ArpMode::Walk,
                    octaves: 2,
                    seed: 5,
                    reset: true,
                    ..ArpSettings::default()
                })
                .unwrap();
            keys(&struck(&pattern, t(bar, 1), t(bar * 16 + 320, 16)))
        };
        let (early, late) = (walk_from(0), walk_from(1));
        // Restarts fall every 256 steps from each chord's own start.
        assert_eq!(early[..320], late[..320]);
    }

    #[test]
    fn a_swung_legato_arp_queried_in_slices_gives_the_notes_of_one_query() {
        for gate in [t(1, 1), t(8, 1)] {
            let settings = ArpSettings {
                swing: t(3, 4),
                gate,
                ..ArpSettings::default()
            };
            let pattern = held(vec![
                (t(0, 1), t(3, 8), CMAJ7.to_vec()),
                (t(3, 8), t(2, 1), vec![62, 65, 69]),
            ])
            .arp(&settings)
            .unwrap();
            let notes = |haps: Vec<Hap<Note>>| {
                let mut notes: Vec<(Span, u8)> = haps
                    .iter()
                    .filter_map(|h| h.whole.map(|w| (w, h.value.key)))
                    .collect();
                notes.sort_by_key(|(w, k)| (w.begin, w.end, *k));
                notes
            };
            let bar = notes(pattern.query(Span::new(t(-1, 1), t(2, 1))));
            // Every slice of a sixty-fourth holds exactly the notes sounding in it.
            for i in 0..64 {
                let slice = Span::new(t(i, 64), t(i + 1, 64));
                let sounding: Vec<(Span, u8)> = bar
                    .iter()
                    .filter(|(w, _)| w.begin < slice.end && slice.begin < w.end)
                    .copied()
                    .collect();
                assert_eq!(
                    notes(pattern.query(slice)),
                    sounding,
                    "gate {gate}, slice {i}/64"
                );
            }
        }
    }

    #[test]
    fn a_new_chord_starts_the_walk_from_its_bottom_note() {
        let pattern = held(vec![
            (t(0, 1), t(1, 1), CMAJ7.to_vec()),
            (t(1, 1), t(2, 1), vec![57, 60, 64, 67]),
        ])
        .arp(&ArpSettings {
            mode: ArpMode::Walk,
            seed: 5,
            ..ArpSettings::default()
        })
        .unwrap();
        let run = keys(&struck(&pattern, t(0, 1), t(2, 1)));
        assert_eq!(run[0], 60);
        assert_eq!(run[16], 57, "the A minor chord's walk starts on A");
    }

    #[test]
    fn chord_mode_strikes_the_whole_chord_an_octave_higher_each_step() {
        let settings = ArpSettings {
            mode: ArpMode::Chord,
            octaves: 2,
            ..ArpSettings::default()
        };
        let pattern = Pattern::pure(CMAJ7.to_vec()).arp(&settings).unwrap();
        let haps = struck(&pattern, t(0, 1), t(3, 16));
        let at = |step: i64| -> Vec<u8> {
            let mut notes: Vec<u8> = haps
                .iter()
                .filter(|h| h.part.begin == t(step, 16))
                .map(|h| h.value.key)
                .collect();
            notes.sort_unstable();
            notes
        };
        assert_eq!(at(0), CMAJ7);
        assert_eq!(at(1), [72, 76, 79, 83]);
        assert_eq!(at(2), CMAJ7);
    }

    #[test]
    fn a_half_gate_rings_for_half_of_each_step() {
        let pattern = Pattern::pure(CMAJ7.to_vec())
            .arp(&ArpSettings::default())
            .unwrap();
        let haps = struck(&pattern, t(0, 1), t(1, 4));
        let wholes: Vec<Span> = haps.iter().filter_map(|h| h.whole).collect();
        assert_eq!(
            wholes,
            [
                Span::new(t(0, 16), t(1, 32)),
                Span::new(t(1, 16), t(3, 32)),
                Span::new(t(2, 16), t(5, 32)),
                Span::new(t(3, 16), t(7, 32)),
            ]
        );
    }

    #[test]
    fn a_gate_over_one_ties_each_note_into_the_next_step() {
        let settings = ArpSettings {
            gate: t(3, 2),
            ..ArpSettings::default()
        };
        let pattern = Pattern::pure(CMAJ7.to_vec()).arp(&settings).unwrap();
        let haps = struck(&pattern, t(0, 1), t(1, 4));
        assert_eq!(haps[0].whole, Some(Span::new(t(0, 1), t(3, 32))));
        assert_eq!(haps[1].whole, Some(Span::new(t(1, 16), t(5, 32))));
        // The first note still sounds when the second starts: legato.
        let at_second = pattern.query(Span::new(t(1, 16), t(1, 16)));
        let mut sounding: Vec<u8> = at_second.iter().map(|h| h.value.key).collect();
        sounding.sort_unstable();
        assert_eq!(sounding, [60, 64]);
    }

    #[test]
    fn a_note_ringing_across_a_query_boundary_comes_back_as_two_fragments() {
        let settings = ArpSettings {
            gate: t(3, 2),
            ..ArpSettings::default()
        };
        let pattern = Pattern::pure(CMAJ7.to_vec()).arp(&settings).unwrap();
        let later = pattern.query(Span::new(t(1, 16), t(2, 16)));
        let tail: Vec<&Hap<Note>> = later.iter().filter(|h| !h.has_onset()).collect();
        assert_eq!(tail.len(), 1);
        assert_eq!(tail[0].value.key, 60);
        assert_eq!(tail[0].part, Span::new(t(1, 16), t(3, 32)));
    }

    #[test]
    fn triplet_swing_moves_every_second_step_to_two_thirds_of_the_pair() {
        let settings = ArpSettings {
            step: t(1, 8),
            swing: t(2, 3),
            gate: t(1, 1),
            ..ArpSettings::default()
        };
        let pattern = Pattern::pure(CMAJ7.to_vec()).arp(&settings).unwrap();
        let haps = struck(&pattern, t(0, 1), t(1, 2));
        let onsets: Vec<Time> = haps.iter().map(|h| h.part.begin).collect();
        assert_eq!(onsets, [t(0, 1), t(1, 6), t(1, 4), t(5, 12)]);
        // Swing moves the starts only: every note keeps its step's length (an eighth at a full
        // gate), so the swung one rings into the next.
        let lengths: Vec<Time> = haps
            .iter()
            .filter_map(|h| h.whole.map(|w| w.end - w.begin))
            .collect();
        assert_eq!(lengths, [t(1, 8); 4]);
    }

    #[test]
    fn a_swung_half_gate_note_is_as_long_as_an_unswung_one() {
        let settings = ArpSettings {
            step: t(1, 16),
            swing: t(3, 5),
            gate: t(1, 2),
            ..ArpSettings::default()
        };
        let pattern = Pattern::pure(CMAJ7.to_vec()).arp(&settings).unwrap();
        let haps = struck(&pattern, t(0, 1), t(1, 4));
        let wholes: Vec<Span> = haps.iter().filter_map(|h| h.whole).collect();
        // Pairs of an eighth: the second sixteenth starts at 3/5 of it, 3/40, and both last
        // half a sixteenth.
        assert_eq!(
            wholes,
            [
                Span::new(t(0, 1), t(1, 32)),
                Span::new(t(3, 40), t(3, 40) + t(1, 32)),
                Span::new(t(1, 8), t(1, 8) + t(1, 32)),
                Span::new(t(1, 8) + t(3, 40), t(1, 8) + t(3, 40) + t(1, 32)),
            ]
        );
    }

    #[test]
    fn the_arp_keeps_its_place_when_the_chord_changes() {
        let f_maj7 = vec![65, 69, 72, 76];
        let pattern = held(vec![
            (t(0, 1), t(3, 16), CMAJ7.to_vec()),
            (t(3, 16), t(1, 2), f_maj7),
        ])
        .arp(&ArpSettings::default())
        .unwrap();
        // Step 3 is the fourth note of whichever chord is held: F major 7th's E.
        assert_eq!(
            keys(&struck(&pattern, t(0, 1), t(6, 16))),
            [60, 64, 67, 76, 65, 69]
        );
    }

    #[test]
    fn reset_starts_each_new_chord_from_its_first_note() {
        let f_maj7 = vec![65, 69, 72, 76];
        let pattern = held(vec![
            (t(0, 1), t(3, 16), CMAJ7.to_vec()),
            (t(3, 16), t(1, 2), f_maj7),
        ])
        .arp(&ArpSettings {
            reset: true,
            velocities: vec![100, 60],
            ..ArpSettings::default()
        })
        .unwrap();
        let haps = struck(&pattern, t(0, 1), t(6, 16));
        assert_eq!(keys(&haps), [60, 64, 67, 65, 69, 72]);
        // The velocity cycle restarts with the chord too.
        let velocities: Vec<u8> = haps.iter().map(|h| h.value.velocity).collect();
        assert_eq!(velocities, [100, 60, 100, 100, 60, 100]);
    }

    #[test]
    fn reset_on_an_off_grid_chord_starts_at_the_next_step() {
        let pattern = held(vec![(t(1, 24), t(1, 2), CMAJ7.to_vec())])
            .arp(&ArpSettings {
                reset: true,
                ..ArpSettings::default()
            })
            .unwrap();
        let haps = struck(&pattern, t(0, 1), t(4, 16));
        assert_eq!(keys(&haps), [60, 64, 67]);
        assert_eq!(haps[0].part.begin, t(1, 16));
    }

    #[test]
    fn steps_rest_while_no_chord_is_held() {
        let pattern = held(vec![
            (t(0, 1), t(2, 16), CMAJ7.to_vec()),
            (t(4, 16), t(6, 16), CMAJ7.to_vec()),
        ])
        .arp(&ArpSettings::default())
        .unwrap();
        let haps = struck(&pattern, t(0, 1), t(1, 1));
        let onsets: Vec<Time> = haps.iter().map(|h| h.part.begin).collect();
        assert_eq!(onsets, [t(0, 1), t(1, 16), t(4, 16), t(5, 16)]);
        assert_eq!(keys(&haps), [60, 64, 60, 64]);
    }

    #[test]
    fn chords_held_together_merge_like_keys_on_one_keyboard() {
        let pattern = Pattern::stack(vec![Pattern::pure(vec![67]), Pattern::pure(vec![64, 60])])
            .arp(&ArpSettings::default())
            .unwrap();
        assert_eq!(keys(&struck(&pattern, t(0, 1), t(3, 16))), [60, 64, 67]);
    }

    #[test]
    fn notes_pushed_above_g9_are_dropped() {
        let pattern = Pattern::pure(vec![120, 124])
            .arp(&ArpSettings {
                octaves: 2,
                ..ArpSettings::default()
            })
            .unwrap();
        assert_eq!(keys(&struck(&pattern, t(0, 1), t(4, 16))), [120, 124]);
    }

    #[test]
    fn velocities_cycle_one_per_step() {
        let pattern = Pattern::pure(CMAJ7.to_vec())
            .arp(&ArpSettings {
                velocities: vec![127, 40, 80],
                ..ArpSettings::default()
            })
            .unwrap();
        let velocities: Vec<u8> = struck(&pattern, t(0, 1), t(7, 16))
            .iter()
            .map(|h| h.value.velocity)
            .collect();
        assert_eq!(velocities, [127, 40, 80, 127, 40, 80, 127]);
    }

    #[test]
    fn an_eighth_note_rate_in_three_four_is_a_sixth_of_the_bar() {
        let settings = ArpSettings::default().with_rate(t(1, 8), Meter::new(3, 4).unwrap());
        assert_eq!(settings.step, t(1, 6));
        let pattern = Pattern::pure(CMAJ7.to_vec()).arp(&settings).unwrap();
        assert_eq!(struck(&pattern, t(0, 1), t(1, 1)).len(), 6);
    }

    #[test]
    fn settings_outside_their_ranges_are_refused_with_the_range() {
        let chords = Pattern::pure(CMAJ7.to_vec());
        let bad = |settings: ArpSettings| chords.arp(&settings).unwrap_err().to_string();
        assert_eq!(
            bad(ArpSettings {
                octaves: 9,
                ..ArpSettings::default()
            }),
            "arp octaves must be 1–8, got 9"
        );
        assert_eq!(
            bad(ArpSettings {
                gate: t(0, 1),
                ..ArpSettings::default()
            }),
            "arp gate must be more than 0 and at most 8 steps, got 0"
        );
        assert_eq!(
            bad(ArpSettings {
                swing: t(1, 1),
                ..ArpSettings::default()
            }),
            "arp swing must be between 0 and 1 (1/2 is straight), got 1"
        );
        assert_eq!(
            bad(ArpSettings {
                step: t(0, 1),
                ..ArpSettings::default()
            }),
            "arp step must be 1/1024–16 cycles, got 0"
        );
        assert_eq!(
            bad(ArpSettings {
                velocities: vec![100, 0],
                ..ArpSettings::default()
            }),
            "arp velocities must be 1–127, got 0"
        );
    }

    #[test]
    fn an_arp_counted_from_cycle_zero_repeats_when_its_run_and_accents_come_round() {
        // Up over a triad in sixteenths with four accents: twelve steps, three quarters of
        // a cycle, so the bar comes round every three cycles.
        let triad = Pattern::pure(vec![60, 64, 67]);
        let settings = ArpSettings {
            velocities: vec![100, 80, 90, 70],
            ..ArpSettings::default()
        };
        let arp = triad.arp(&settings).unwrap();
        assert_eq!(arp.period(), Some(3));
        let table = arp.memo();
        for c in -3..12 {
            let bar = Span::new(t(c, 1), t(c + 1, 1));
            assert_eq!(table.query(bar), arp.query(bar), "bar {c}");
        }
        // Counted from each chord, it repeats with the chords; the random modes never do.
        let reset = ArpSettings {
            reset: true,
            ..settings.clone()
        };
        assert_eq!(triad.arp(&reset).unwrap().period(), Some(1));
        for mode in [ArpMode::Random, ArpMode::RandomOther, ArpMode::Walk] {
            let random = ArpSettings {
                mode,
                ..settings.clone()
            };
            assert_eq!(triad.arp(&random).unwrap().period(), None, "{mode:?}");
        }
    }

    #[test]
    fn a_query_a_thousand_bars_in_asks_only_for_the_chords_near_it() {
        let asked: Arc<Mutex<Vec<Span>>> = Arc::default();
        let log = Arc::clone(&asked);
        let chords = Pattern::pure(CMAJ7.to_vec());
        let spy = Pattern::new(move |span, out| {
            if let Ok(mut log) = log.lock() {
                log.push(span);
            }
            chords.query_into(span, out);
        });
        let pattern = spy
            .arp(&ArpSettings {
                mode: ArpMode::Walk,
                ..ArpSettings::default()
            })
            .unwrap();
        let late = t(1000, 1);
        assert_eq!(struck(&pattern, late, late + t(1, 4)).len(), 4);
        // Bar by bar: the steps just before the bar line, then the ones after it.
        let spans = asked.lock().unwrap();
        assert!(spans.len() <= 2, "{spans:?}");
        for span in spans.iter() {
            assert!(span.begin >= late - t(1, 4) && span.end <= late + t(1, 2));
        }
    }

    proptest! {
        #[test]
        fn random_other_windows_are_permutations_and_seeds_repeat(
            seed in any::<u64>(),
            chord in proptest::collection::btree_set(0u8..=100, 1..6),
            octaves in 1u32..=3,
        ) {
            let notes: Vec<u8> = chord.into_iter().collect();
            let settings = ArpSettings {
                mode: ArpMode::RandomOther,
                octaves,
                seed,
                ..ArpSettings::default()
            };
            let pattern = Pattern::pure(notes.clone()).arp(&settings).unwrap();
            let pool: Vec<u8> = {
                let mut p: Vec<u8> = ArpMode::Up
                    .order(&notes, octaves)
                    .into_iter()
                    .filter_map(|n| u8::try_from(n).ok())
                    .collect();
                p.sort_unstable();
                p
            };
            let n = pool.len() as i64;
            let run = keys(&struck(&pattern, t(0, 1), t(4 * n, 16)));
            prop_assert_eq!(run.len() as i64, 4 * n);
            for window in run.chunks(pool.len()) {
                let mut w = window.to_vec();
                w.sort_unstable();
                prop_assert_eq!(&w, &pool);
            }
            let again = Pattern::pure(notes).arp(&settings).unwrap();
            prop_assert_eq!(keys(&struck(&again, t(0, 1), t(4 * n, 16))), run);
        }
    }
}
