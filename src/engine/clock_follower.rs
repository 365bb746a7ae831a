//! Follows an external 24-PPQN MIDI clock: its tempo and where its song is, as seen by flam.
//!
//! Hardware clocks jitter by a millisecond or so per pulse, and the caller's time stamps add
//! their own, so the follower fits a least-squares line through the last beat of pulses
//! rather than trusting any single one. A beat of pulses is enough to smooth the jitter and
//! short enough that a tempo change is followed in full one beat later. It runs in a JACK
//! process callback or a MIDI input thread: fixed arrays, no allocation, no locks.

/// Clock pulses per quarter note, fixed by the MIDI spec.
const PPQN: f64 = 24.0;

/// Pulses kept for the fit: one beat.
const RING: usize = 24;

/// Pulses needed in the ring before its fit is trusted over the last good one: a sixteenth.
const MIN_FIT: usize = 6;

/// How many standard errors a parabola's curvature must stand out by before it is believed
/// over a straight line. High, because a parabola's end slope swings with the jitter: a
/// clean ramp stands out by far more, and a jittery gentle one is read as a line (half a
/// beat behind, but smooth).
const CURVE_T: f64 = 6.0;

/// Silence, in beats at the estimated tempo, after which the clock counts as lost.
const LOST_BEATS: f64 = 2.0;

/// Silence, in seconds, after which the clock counts as lost while its tempo is unknown.
const LOST_SECONDS: f64 = 2.0;

/// The shortest pulse period believed, in seconds: far beyond any real tempo, but it keeps
/// a degenerate fit from dividing by almost nothing.
const MIN_PERIOD: f64 = 1e-6;

/// An external MIDI clock's tempo and song position, from time-stamped clock and transport.
#[derive(Clone, Debug)]
pub struct ClockFollower {
    /// Times of the latest pulses, a ring written at `head`.
    times: [f64; RING],
    /// Where the next pulse goes in `times`.
    head: usize,
    /// How many of `times` belong to the current run of pulses.
    len: usize,
    /// Seconds per pulse from the latest trusted fit, kept across restarts of the ring so that
    /// the first pulses after Start are extrapolated at the tempo the clock already had.
    period: Option<f64>,
    /// The newest pulse's time on the fitted line (its raw time while the fit is not trusted).
    anchor: f64,
    /// The newest accepted pulse's raw time.
    last_pulse: Option<f64>,
    /// The latest pulse, Start or Continue: silence is measured from it.
    heard: Option<f64>,
    /// Between Start or Continue and Stop.
    running: bool,
    /// The song position, in pulses, that the next pulse while running will have.
    next: u64,
    /// The song position of the newest pulse since Start or Continue, if one has come.
    song_pulse: Option<u64>,
    /// Pulses accepted since `new`.
    pulses: u64,
}

impl Default for ClockFollower {
    fn default() -> Self {
        Self::new()
    }
}

impl ClockFollower {
    /// A follower that has heard nothing: stopped, at the start of the song, tempo unknown.
    pub const fn new() -> ClockFollower {
        ClockFollower {
            times: [0.0; RING],
            head: 0,
            len: 0,
            period: None,
            anchor: 0.0,
            last_pulse: None,
            heard: None,
            running: false,
            next: 0,
            song_pulse: None,
            pulses: 0,
        }
    }

    /// A clock pulse (0xF8) at `at`; ignored unless finite and later than the previous one.
    pub fn pulse(&mut self, at: f64) {
        if !at.is_finite() {
            return;
        }
        if let Some(last) = self.last_pulse {
            if at <= last {
                return;
            }
            // The pulses before a long silence say nothing about the interval across it.
            if at - last > self.silence() {
                self.restart();
            }
        }
        self.last_pulse = Some(at);
        self.hear(at);
        self.pulses += 1;
        if let Some(slot) = self.times.get_mut(self.head) {
            *slot = at;
        }
        self.head = (self.head + 1) % RING;
        self.len = (self.len + 1).min(RING);
        self.anchor = at;
        if let Some((period, anchor)) = self.fit() {
            self.period = Some(period);
            self.anchor = anchor;
        }
        if self.running {
            self.song_pulse = Some(self.next);
            self.next = self.next.saturating_add(1);
        }
    }

    /// Start (0xFA) received at `at`: the song restarts, and its beat 0 is the next pulse.
    pub fn start(&mut self, at: f64) {
        self.next = 0;
        self.resume(at);
    }

    /// Stop (0xFC): the song halts where it is, and pulses go on feeding the tempo only.
    pub fn stop(&mut self, _at: f64) {
        self.running = false;
        self.song_pulse = None;
    }

    /// Continue (0xFB) received at `at`: the song goes on from the kept position at the next pulse.
    pub fn resume(&mut self, at: f64) {
        self.running = true;
        self.song_pulse = None;
        // A master may re-phase its clock when it starts, so the interval to the next pulse
        // is not one to fit.
        self.restart();
        self.hear(at);
    }

    /// Song Position Pointer (0xF2) in sixteenths; heeded only while stopped, as the spec intends.
    pub fn song_position(&mut self, sixteenths: u16) {
        if !self.running {
            self.next = u64::from(sixteenths.min(0x3FFF)) * 6;
        }
    }

    /// Whether the song is playing: after Start or Continue and before Stop.
    pub fn running(&self) -> bool {
        self.running
    }

    /// The smoothed tempo in quarter notes per minute, once a few pulses have come.
    pub fn bpm(&self) -> Option<f64> {
        let bpm = 60.0 / (PPQN * self.period?);
        bpm.is_finite().then_some(bpm)
    }

    /// Quarter notes since the song's start at time `t`, extrapolated along the fitted line.
    ///
    /// None while stopped or before the first pulse after Start or Continue. Before the tempo
    /// is known it holds at the newest pulse rather than guess. It extrapolates without limit,
    /// so that a caller scheduling a period ahead is not held back; [`ClockFollower::lost`]
    /// says when to stop trusting it.
    pub fn beats_at(&self, t: f64) -> Option<f64> {
        if !self.running || !t.is_finite() {
            return None;
        }
        let at_pulse = self.song_pulse? as f64 / PPQN;
        let Some(period) = self.period else {
            return Some(at_pulse);
        };
        let beats = at_pulse + (t - self.anchor) / (PPQN * period);
        beats.is_finite().then_some(beats)
    }

    /// Clock pulses accepted since `new`, running or not.
    pub fn pulses(&self) -> u64 {
        self.pulses
    }

    /// Whether the song runs but its clock has been silent two beats (2 s with no tempo yet).
    pub fn lost(&self, now: f64) -> bool {
        match self.heard {
            Some(heard) if self.running => now - heard > self.silence(),
            _ => false,
        }
    }

    /// The silence after which the clock is lost.
    fn silence(&self) -> f64 {
        self.period
            .map_or(LOST_SECONDS, |period| LOST_BEATS * PPQN * period)
    }

    fn hear(&mut self, at: f64) {
        if at.is_finite() {
            self.heard = Some(self.heard.map_or(at, |heard| heard.max(at)));
        }
    }

    /// Empties the ring; the tempo already known stays until a new fit replaces it.
    fn restart(&mut self) {
        self.len = 0;
    }

    /// The least-squares fit through the ring, time against pulse index: seconds per pulse
    /// and the newest pulse's time on the fit. A straight line, unless a parabola fits
    /// clearly better (its curvature stands out of the jitter by [`CURVE_T`] standard errors):
    /// a tempo ramp, whose newest pulses a line would place half a beat behind.
    fn fit(&self) -> Option<(f64, f64)> {
        if self.len < MIN_FIT {
            return None;
        }
        let oldest = (self.head + RING - self.len) % RING;
        // Times relative to the oldest keep the sums small, however long the receiver has been up.
        let origin = *self.times.get(oldest)?;
        let n = self.len as f64;
        let mean_x = (n - 1.0) / 2.0;
        let (mut sum_y, mut sum_xy, mut sum_xxy, mut s2, mut s4) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for k in 0..self.len {
            let y = self.times.get((oldest + k) % RING)? - origin;
            let x = k as f64 - mean_x;
            sum_y += y;
            sum_xy += x * y;
            sum_xxy += x * x * y;
            s2 += x * x;
            s4 += x * x * x * x;
        }
        let end = n - 1.0 - mean_x;
        let slope = sum_xy / s2;
        let mut period = slope;
        let mut anchor = origin + sum_y / n + slope * end;
        // The parabola a + b·x + c·x² (b is the line's slope: x is centred, so odd sums vanish).
        let det = n * s4 - s2 * s2;
        // Only over a whole beat: a parabola through a few pulses swings with their jitter.
        if self.len == RING && det > 0.0 {
            let a = (s4 * sum_y - s2 * sum_xxy) / det;
            let c = (n * sum_xxy - s2 * sum_y) / det;
            let mut residual = 0.0;
            for k in 0..self.len {
                let y = self.times.get((oldest + k) % RING)? - origin;
                let x = k as f64 - mean_x;
                residual += (y - (a + slope * x + c * x * x)).powi(2);
            }
            let variance = residual / (n - 3.0);
            let standard_error = (variance * n / det).sqrt();
            if c.abs() > CURVE_T * standard_error {
                period = slope + 2.0 * c * end;
                anchor = origin + a + slope * end + c * end * end;
            }
        }
        (period.is_finite() && period >= MIN_PERIOD && anchor.is_finite())
            .then_some((period, anchor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seconds per pulse at `bpm`.
    fn period(bpm: f64) -> f64 {
        60.0 / (24.0 * bpm)
    }

    /// A seeded xorshift, so the jitter is the same on every run.
    struct Jitter(u64);

    impl Jitter {
        /// Uniform in -1 ms..1 ms.
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            ((self.0 >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) * 1e-3
        }
    }

    fn close(got: f64, want: f64, relative: f64) -> bool {
        ((got - want) / want).abs() < relative
    }

    #[test]
    fn a_steady_120_reads_120_within_a_tenth_of_a_percent_after_one_beat() {
        let mut clock = ClockFollower::new();
        clock.start(1000.0);
        for i in 0..=24 {
            clock.pulse(1000.01 + i as f64 * period(120.0));
        }
        let bpm = clock.bpm().unwrap();
        assert!(close(bpm, 120.0, 1e-3), "{bpm}");
        let beat_one = 1000.01 + 0.5;
        assert!((clock.beats_at(beat_one).unwrap() - 1.0).abs() < 1e-9);
        assert!((clock.beats_at(beat_one + 0.25).unwrap() - 1.5).abs() < 1e-9);
    }

    #[test]
    fn the_first_pulse_after_start_is_the_downbeat() {
        let mut clock = ClockFollower::new();
        for i in 0..48 {
            clock.pulse(i as f64 * period(120.0));
        }
        clock.start(1.0);
        assert_eq!(
            clock.beats_at(1.0),
            None,
            "the song has not begun before its first pulse"
        );
        clock.pulse(1.005);
        assert_eq!(clock.beats_at(1.005), Some(0.0));
        let half_a_pulse_on = clock.beats_at(1.005 + period(120.0) / 2.0).unwrap();
        assert!(
            (half_a_pulse_on - 1.0 / 48.0).abs() < 1e-9,
            "{half_a_pulse_on}"
        );
    }

    /// A one-beat fit of ±1 ms uniform jitter has a standard error of 0.08%, so the tenth of a
    /// percent holds as the RMS over readings; single readings stray to about four times that.
    #[test]
    fn a_jittery_clock_at_120_reads_within_a_tenth_of_a_percent() {
        let mut jitter = Jitter(0x2545_f491_4f6c_dd1d);
        let mut clock = ClockFollower::new();
        clock.start(0.0);
        let ideal = |i: usize| 0.1 + i as f64 * period(120.0);
        let (mut squares, mut readings) = (0.0, 0u32);
        for i in 0..24 * 64 {
            clock.pulse(ideal(i) + jitter.next());
            if i < 48 {
                continue;
            }
            let error = clock.bpm().unwrap() / 120.0 - 1.0;
            assert!(error.abs() < 4e-3, "pulse {i}: {error}");
            squares += error * error;
            readings += 1;
            // Half a pulse on, where the line is extrapolated furthest before the next pulse.
            let between = ideal(i) + period(120.0) / 2.0;
            let want = (i as f64 + 0.5) / 24.0;
            let off_by_seconds = (clock.beats_at(between).unwrap() - want) * 0.5;
            assert!(off_by_seconds.abs() < 1e-3, "pulse {i}: {off_by_seconds}");
        }
        let rms = (squares / f64::from(readings)).sqrt();
        assert!(rms < 1e-3, "{rms}");
    }

    #[test]
    fn a_ramp_from_100_to_140_over_eight_beats_is_followed_within_a_beat() {
        let mut clock = ClockFollower::new();
        clock.start(0.0);
        let mut t = 0.0;
        for i in 0..24 * 12 {
            clock.pulse(t);
            let beat = i as f64 / 24.0;
            let bpm = if beat < 8.0 {
                100.0 + 5.0 * beat
            } else {
                140.0
            };
            t += period(bpm);
            if (24..24 * 8).contains(&i) {
                // The parabola reads the tempo of the newest pulses, not of half a beat ago
                // as a straight line through the beat would.
                let now = 100.0 + 5.0 * i as f64 / 24.0;
                assert!(
                    close(clock.bpm().unwrap(), now, 1e-3),
                    "pulse {i}: {} vs {now}",
                    clock.bpm().unwrap()
                );
            }
            if i == 24 * 9 {
                let bpm = clock.bpm().unwrap();
                assert!(close(bpm, 140.0, 1e-2), "{bpm}");
            }
        }
        let bpm = clock.bpm().unwrap();
        assert!(close(bpm, 140.0, 1e-6), "{bpm}");
    }

    #[test]
    fn stop_keeps_the_position_and_continue_resumes_from_it() {
        let mut clock = ClockFollower::new();
        clock.start(0.0);
        let mut t = 0.0;
        for _ in 0..36 {
            t += period(120.0);
            clock.pulse(t);
        }
        assert!((clock.beats_at(t).unwrap() - 35.0 / 24.0).abs() < 1e-9);
        clock.stop(t + 0.01);
        assert!(!clock.running());
        assert_eq!(clock.beats_at(t + 0.01), None);
        for _ in 0..48 {
            t += period(120.0);
            clock.pulse(t);
        }
        clock.resume(t + 0.01);
        assert!(clock.running());
        t += period(120.0);
        clock.pulse(t);
        assert!((clock.beats_at(t).unwrap() - 36.0 / 24.0).abs() < 1e-9);
    }

    #[test]
    fn a_song_position_of_sixteen_sixteenths_continues_on_beat_four() {
        let mut clock = ClockFollower::new();
        clock.song_position(16);
        clock.resume(3.0);
        clock.pulse(3.01);
        assert_eq!(clock.beats_at(3.01), Some(4.0));
    }

    #[test]
    fn a_song_position_while_running_is_ignored() {
        let mut clock = ClockFollower::new();
        clock.start(0.0);
        clock.pulse(0.01);
        clock.song_position(16);
        clock.pulse(0.01 + period(120.0));
        assert_eq!(clock.beats_at(0.01 + period(120.0)), Some(1.0 / 24.0));
    }

    #[test]
    fn two_silent_beats_lose_the_clock() {
        let mut clock = ClockFollower::new();
        clock.start(0.0);
        let mut t = 0.0;
        for _ in 0..48 {
            t += period(120.0);
            clock.pulse(t);
        }
        assert!(!clock.lost(t + 0.99));
        assert!(clock.lost(t + 1.01));
        clock.stop(t + 1.02);
        assert!(!clock.lost(t + 5.0), "a stopped song has nothing to lose");
    }

    #[test]
    fn a_start_with_no_clock_after_it_is_lost_after_two_seconds() {
        let mut clock = ClockFollower::new();
        clock.start(10.0);
        assert!(!clock.lost(11.9));
        assert!(clock.lost(12.1));
    }

    #[test]
    fn a_clock_running_before_start_gives_a_tempo_but_no_song() {
        let mut clock = ClockFollower::new();
        for i in 0..30 {
            clock.pulse(5.0 + i as f64 * period(96.0));
        }
        assert!(close(clock.bpm().unwrap(), 96.0, 1e-6));
        assert!(!clock.running());
        assert_eq!(clock.beats_at(6.0), None);
        assert!(!clock.lost(60.0));
        assert_eq!(clock.pulses(), 30);
    }

    #[test]
    fn the_tempo_is_unknown_until_a_few_pulses_have_come() {
        let mut clock = ClockFollower::new();
        assert_eq!(clock.bpm(), None);
        for i in 0..MIN_FIT - 1 {
            clock.pulse(i as f64 * period(120.0));
        }
        assert_eq!(clock.bpm(), None);
        clock.pulse((MIN_FIT - 1) as f64 * period(120.0));
        assert!(close(clock.bpm().unwrap(), 120.0, 1e-9));
    }

    #[test]
    fn a_clock_back_after_a_silence_at_a_new_tempo_is_read_afresh() {
        let mut clock = ClockFollower::new();
        let mut t = 0.0;
        for _ in 0..48 {
            t += period(120.0);
            clock.pulse(t);
        }
        t += 3.0;
        for _ in 0..MIN_FIT {
            t += period(90.0);
            clock.pulse(t);
        }
        let bpm = clock.bpm().unwrap();
        assert!(close(bpm, 90.0, 1e-9), "{bpm}");
    }

    #[test]
    fn doubled_backward_and_missing_time_stamps_are_ignored() {
        let mut clock = ClockFollower::new();
        clock.start(0.0);
        for i in 0..24 {
            clock.pulse(i as f64 * period(120.0));
        }
        let last = 23.0 * period(120.0);
        for bad in [
            last,
            last - 0.1,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1e308,
        ] {
            clock.pulse(bad);
        }
        assert_eq!(clock.pulses(), 24);
        assert!(close(clock.bpm().unwrap(), 120.0, 1e-9));
        assert!((clock.beats_at(last).unwrap() - 23.0 / 24.0).abs() < 1e-9);
        for t in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(clock.beats_at(t), None);
        }
        assert!(!clock.lost(f64::NAN));
        clock.start(f64::NAN);
        clock.resume(f64::INFINITY);
        assert!(clock.running());
    }

    #[test]
    fn time_stamps_at_the_edges_of_f64_give_no_nan() {
        let mut clock = ClockFollower::new();
        clock.start(-1e308);
        for t in [-1e308, -1e300, 0.0, 1e-300, 1e300, 1e308, f64::MAX] {
            clock.pulse(t);
            for at in [-f64::MAX, 0.0, f64::MAX] {
                if let Some(beats) = clock.beats_at(at) {
                    assert!(beats.is_finite());
                }
            }
            if let Some(bpm) = clock.bpm() {
                assert!(bpm.is_finite() && bpm > 0.0);
            }
        }
    }
}
