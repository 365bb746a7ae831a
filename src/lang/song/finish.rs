//! Finishing: once every line is read, each track draft is checked as a whole (its words, its
//! channel, its cost) and built into a [`Track`] with its pattern.

use std::collections::{HashMap, HashSet};

use super::compile::Compiler;
use super::resolve::{self, Unknown};
use super::track::Track;
use super::track_input::TrackInput;
use super::tracks::TrackDraft;
use super::transforms::{Context, Transform, apply};
use super::values::{err, unknown_to_diagnostic, velocity_fraction};
use crate::lang::diagnostic::Diagnostic;
use crate::lang::mini;
use crate::lang::mini::ast::AtomRole;
use crate::pattern::arp::ArpSettings;
use crate::pattern::rudiment_steps::play_rudiment_steps;
use crate::pattern::scratch::Scratch;
use crate::pattern::{Hap, Note, Pattern, Tone, Value, find_rudiment_step};
use crate::theory::time::{Time, parse_decimal};

/// The notes a track's pattern of words and numbers plays, written straight into the query's
/// output. A word is looked up once: the pattern hands out the same shared word every time,
/// so a small cache of the words themselves answers every later query.
fn tones_of(plain: Pattern<Value>, drums: bool, degrees: bool, velocity: f64) -> Pattern<Tone> {
    let haps = Scratch::default();
    // The cache holds the words it knows, so none of them can be freed and another word
    // take its place.
    let words: std::sync::Mutex<Vec<(std::sync::Arc<str>, u8)>> = std::sync::Mutex::new(Vec::new());
    let key_tone = move |k: u8| Tone {
        velocity,
        ..Tone::key(f64::from(k), DEFAULT_VELOCITY)
    };
    let period = plain.period();
    Pattern::new(move |span, out| {
        haps.with(|haps| {
            plain.query_into(span, haps);
            let mut cache = words.try_lock().ok();
            for h in haps.iter() {
                let (whole, part) = (h.whole, h.part);
                let mut push = |value| out.push(Hap { whole, part, value });
                if degrees && let Some((degree, accidental)) = resolve::degree_of(&h.value) {
                    push(Tone {
                        velocity,
                        ..Tone::degree(degree, accidental, DEFAULT_VELOCITY)
                    });
                    continue;
                }
                if let (Value::Word(w), Some(cache)) = (&h.value, cache.as_mut()) {
                    let known = cache
                        .iter()
                        .find(|(known, _)| std::sync::Arc::ptr_eq(known, w))
                        .map(|(_, key)| *key);
                    let key = known.or_else(|| {
                        let key = resolve::keys(&h.value, drums)
                            .ok()
                            .filter(|k| k.len() == 1)
                            .map(|k| k[0])?;
                        if cache.len() < WORDS_CACHED {
                            cache.push((w.clone(), key));
                        }
                        Some(key)
                    });
                    if let Some(k) = key {
                        push(key_tone(k));
                        continue;
                    }
                }
                // Unknown words were reported when the song compiled; here they stay silent.
                let _ = resolve::each_key(&h.value, drums, |k| push(key_tone(k)));
            }
        })
    })
    // Each value becomes its tones wherever it falls.
    .with_period(period)
}

/// A track's pattern as it plays: swung, if the track or song swings, and answered from a
/// table of its cycles where it repeats (see `Pattern::memo`).
fn finished(pattern: Pattern<Note>, swing: Option<(Time, Time)>) -> Pattern<Note> {
    match swing {
        Some((amount, step)) => pattern.swing(amount, step).memo(),
        None => pattern.memo(),
    }
}

/// The arpeggio of `chords` as tones. The settings were checked when the line was read, so
/// this cannot fail here.
fn arpeggiate(chords: &Pattern<Vec<u8>>, settings: &ArpSettings) -> Pattern<Tone> {
    chords
        .arp(settings)
        .unwrap_or_else(|_| Pattern::silence())
        .fmap(Tone::from_note)
}

/// How many different words a track's cache keeps (a drum track rarely has more).
const WORDS_CACHED: usize = 32;

/// The MIDI velocity of a note that no `vel` line sets.
const DEFAULT_VELOCITY: u8 = 100;

/// [`DEFAULT_VELOCITY`] as a fraction.
const DEFAULT: f64 = DEFAULT_VELOCITY as f64 / 127.0;

/// Checks that every word `draft` plays means a note (or drum, or rudiment) on a track that
/// plays drums or not; reports each that does not, and says whether all did.
fn words_resolve(draft: &TrackDraft, drums: bool, errors: &mut Vec<Diagnostic>) -> bool {
    let mut ok = true;
    let degrees = draft.plays_degrees();
    for play in &draft.plays {
        for atom in &play.atoms {
            let span = atom.span.start + play.offset..atom.span.end + play.offset;
            let checked = match atom.role {
                AtomRole::Head
                    if degrees && resolve::degree_of(&Value::from_atom(&atom.text)).is_some() =>
                {
                    Ok(())
                }
                AtomRole::Head if find_rudiment_step(&atom.text).is_some() => Ok(()),
                AtomRole::Head => resolve::keys(&Value::from_atom(&atom.text), drums).map(|_| ()),
                AtomRole::Tail if drums => Err(Unknown {
                    message: format!("`:{}` means nothing after a drum", atom.text),
                    label: "no variants".to_string(),
                    help: Some("General MIDI has one sound per drum name; use bd2, sn2, cr2 or rd2 for the second kick, snare, crash or ride".to_string()),
                }),
                AtomRole::Tail => resolve::check_chord_part(&atom.text),
            };
            if let Err(u) = checked {
                errors.push(unknown_to_diagnostic(u, span));
                ok = false;
            }
        }
    }
    ok
}

/// The track `base` as a section plays it: each kind of line the section wrote (`play`,
/// `vel`, `gate`, `swing`, `arp`, `rudiment` settings, transforms) instead of the track's own.
fn over(mut base: TrackDraft, version: TrackDraft) -> TrackDraft {
    if !version.plays.is_empty() {
        base.plays = version.plays;
    }
    if version.velocity.is_some() {
        base.velocity = version.velocity;
        base.velocity_is_constant = version.velocity_is_constant;
        base.velocity_density = version.velocity_density;
    }
    if !version.transforms.is_empty() {
        // The track's scale stays unless the section names its own: a section's transforms
        // change how the part plays, not which notes its degrees are.
        let scale = (!version.transforms.iter().any(Transform::has_scale))
            .then(|| {
                base.transforms
                    .iter()
                    .find(|t| matches!(t, Transform::Scale(..)))
                    .cloned()
            })
            .flatten();
        base.transforms = scale.into_iter().chain(version.transforms).collect();
    }
    for lane in version.lanes {
        base.lanes.retain(|l| l.target != lane.target);
        base.lanes.push(lane);
    }
    base.gate = version.gate.or(base.gate);
    base.swing = version.swing.or(base.swing);
    base.arp = version.arp.or(base.arp);
    let (r, v) = (&mut base.rudiment, version.rudiment);
    r.rate = v.rate.or(r.rate);
    r.hands = v.hands.or(r.hands);
    r.accent = v.accent.or(r.accent);
    r.tap = v.tap.or(r.tap);
    r.grace = v.grace.or(r.grace);
    r.diddle = v.diddle.or(r.diddle);
    r.grace_offset = v.grace_offset.or(r.grace_offset);
    r.repeats = v.repeats.or(r.repeats);
    base.header = version.header;
    base.line = version.line;
    base
}

/// A stable seed from a track's name, so each track has its own random stream.
fn name_seed(name: &str) -> u32 {
    name.bytes().fold(2_166_136_261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    }) % 10_000
}

impl Compiler {
    /// Builds the tracks from their drafts, checking what needs the whole track first.
    pub(super) fn finish(&mut self, errors: &mut Vec<Diagnostic>) -> Vec<Track> {
        let mut used_channels: HashSet<u8> = self
            .tracks
            .iter()
            .filter_map(|t| t.channel.as_ref().map(|c| c.0))
            .collect();
        let mut next_channel = 1u8;
        let mut tracks = Vec::new();
        let mut song_density = 0.0;
        let drafts = std::mem::take(&mut self.tracks);
        // Where each track's lines end: at the next track's header.
        let ends: Vec<usize> = drafts
            .iter()
            .skip(1)
            .map(|d| d.header.start)
            .chain([usize::MAX])
            .collect();
        self.finished.bases = drafts.iter().map(|d| d.base).collect();
        // A section's version of a track starts from a copy of the track as first written.
        let copies: HashMap<usize, TrackDraft> = drafts
            .iter()
            .filter_map(|d| d.base)
            .collect::<HashSet<usize>>()
            .into_iter()
            .map(|b| (b, drafts[b].clone()))
            .collect();
        let mut versions = Vec::new();
        for (index, (draft, end)) in drafts.into_iter().zip(ends).enumerate() {
            if draft.base.is_some() {
                versions.push((index, draft));
                continue;
            }
            // A track whose lines already failed is not reported again as empty.
            let had_errors = errors
                .iter()
                .any(|e| (draft.header.start..end).contains(&e.span.start));
            let explicit_drums = draft.drums || draft.channel.as_ref().is_some_and(|c| c.0 == 10);
            let heads: Vec<&mini::ast::Atom> = draft
                .plays
                .iter()
                .flat_map(|p| p.atoms.iter())
                .filter(|a| a.role == AtomRole::Head)
                .collect();
            let drum_like =
                |text: &str| resolve::is_drum(text) || find_rudiment_step(text).is_some();
            let auto_drums = draft.channel.is_none()
                && heads.iter().any(|a| drum_like(&a.text))
                && heads
                    .iter()
                    .all(|a| drum_like(&a.text) || parse_decimal(&a.text).is_some());
            let drums = explicit_drums || auto_drums;
            let mut ok = words_resolve(&draft, drums, errors);
            if let Some((input, span)) = &draft.input
                && !input.transpose
                && !draft.plays.is_empty()
            {
                errors.push(err(
                    span,
                    format!(
                        "track `{}` plays the keys held on its input, so its `play` lines would be ignored",
                        draft.name
                    ),
                    "input and play",
                    "remove the `play` lines, or write `input transpose` to move them to the key pressed",
                ));
                continue;
            }
            if let Some((input, span)) = &draft.input
                && input.transpose
                && draft.plays.is_empty()
            {
                errors.push(err(
                    span,
                    format!("track `{}` transposes its pattern by the key pressed, but plays nothing", draft.name),
                    "nothing to transpose",
                    "add a `play` line: it sounds as written while c4 is held, and moves with the key",
                ));
                continue;
            }
            if draft.plays.is_empty() && draft.input.is_none() && !had_errors {
                errors.push(err(
                    &draft.header,
                    format!("track `{}` plays nothing", draft.name),
                    "empty track",
                    "add a line such as `play \"bd ~ sn ~\"` under it",
                ));
            }
            ok &= !draft.plays.is_empty() || draft.input.is_some();
            let channel = match (&draft.channel, drums) {
                (Some((c, _)), _) => *c,
                (None, true) => 10,
                (None, false) => {
                    while next_channel == 10 || used_channels.contains(&next_channel) {
                        next_channel += 1;
                    }
                    if next_channel > 16 {
                        errors.push(err(
                            &draft.header,
                            "every MIDI channel is taken",
                            "no channel left",
                            "give some tracks the same `channel`",
                        ));
                        ok = false;
                        16
                    } else {
                        used_channels.insert(next_channel);
                        next_channel
                    }
                }
            };
            if !ok {
                continue;
            }
            let swing = draft.swing.or(self.swing);
            let density = match self.check_cost(&draft, swing, song_density) {
                Ok(density) => density,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            song_density += density;
            let seed = name_seed(&draft.name);
            let pattern = finished(self.track_pattern(&draft, drums, seed), swing);
            let input = draft.input.as_ref().map(|(input, _)| TrackInput {
                channel: input.channel,
                latch: input.latch,
                transpose: input.transpose,
                played_velocity: input.played_velocity,
                arp: draft.arp.clone(),
            });
            self.finished.of_draft.insert(index, tracks.len());
            tracks.push(Track {
                input,
                output: draft.output,
                lanes: draft.lanes,
                bend_range: draft.bend_range,
                name: draft.name,
                channel,
                program: draft.program,
                bank: draft.bank,
                drums,
                pattern,
                gate: draft.gate.unwrap_or(Time::ONE),
                muted: draft.muted,
                line: draft.line,
            });
        }
        for (index, version) in versions {
            let Some(base) = version.base else {
                continue;
            };
            let (Some(&track), Some(copy)) = (self.finished.of_draft.get(&base), copies.get(&base))
            else {
                // The track as first written failed; its errors are reported already.
                continue;
            };
            let drums = tracks[track].drums;
            let own_plays = !version.plays.is_empty();
            let merged = over(copy.clone(), version);
            // Checked as merged: the track's scale decides whether its numbers are degrees.
            if own_plays && !words_resolve(&merged, drums, errors) {
                continue;
            }
            let swing = merged.swing.or(self.swing);
            if let Err(e) = self.check_cost(&merged, swing, song_density) {
                errors.push(e);
                continue;
            }
            let pattern = finished(
                self.track_pattern(&merged, drums, name_seed(&merged.name)),
                swing,
            );
            self.finished.variants.insert(index, pattern);
            self.finished.variant_lanes.insert(index, merged.lanes);
        }
        tracks
    }

    /// What a track plays: its patterns, rudiments, arpeggio and velocities, then its
    /// transforms in order.
    fn track_pattern(&self, draft: &TrackDraft, drums: bool, seed: u32) -> Pattern<Note> {
        let values = Pattern::stack(
            draft
                .plays
                .iter()
                .map(|p| p.compiled.pattern.clone())
                .collect(),
        );
        // In a track with a scale, `3#` is a degree, never a rudiment.
        let degrees = draft.plays_degrees();
        let names: Vec<&str> = draft
            .plays
            .iter()
            .flat_map(|p| p.atoms.iter())
            .filter(|a| !(degrees && resolve::degree_of(&Value::from_atom(&a.text)).is_some()))
            .filter_map(|a| find_rudiment_step(&a.text).map(|_| a.text.as_str()))
            .collect();
        let rudiments = (!names.is_empty())
            .then(|| play_rudiment_steps(&values, self.rudiment_patterns(&draft.rudiment, &names)));
        let plain = if names.is_empty() {
            values
        } else {
            // The names as written, so a query compares strings instead of parsing names.
            let written: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            values.filter_values(move |v| match v {
                Value::Word(w) => !written.iter().any(|n| **n == **w),
                _ => true,
            })
        };
        // One velocity for every note (`vel 90`, or none written).
        let constant = match &draft.velocity {
            Some(vel) if draft.velocity_is_constant => vel
                .query(crate::pattern::Span::new(Time::ZERO, Time::ONE))
                .first()
                .map(|h| velocity_fraction(&h.value).unwrap_or(DEFAULT)),
            Some(_) => None,
            None => Some(DEFAULT),
        };
        let played: Pattern<Tone> = match (&draft.arp, draft.first_scale()) {
            // Degrees go through the arpeggiator as the keys their scale makes, so its
            // octaves are real octaves; the scale line later leaves them where they are.
            (Some(settings), Some(scale)) if degrees => tones_of(plain, drums, true, DEFAULT)
                .scale(&scale)
                .fmap(|t| t.to_note().map(|n| vec![n.key]).unwrap_or_default())
                .through(|chords| arpeggiate(chords, settings)),
            // The settings were checked when the line was read, so this cannot fail here.
            (Some(settings), _) => plain
                .fmap(move |v| resolve::keys(v, drums).unwrap_or_default())
                .through(|chords| arpeggiate(chords, settings)),
            (None, _) => tones_of(plain, drums, degrees, constant.unwrap_or(DEFAULT)),
        };
        let played = match (&draft.velocity, constant) {
            // A single velocity needs no pattern query per note; the notes of words and
            // numbers were given it as they were made.
            (Some(_), Some(velocity)) if draft.arp.is_some() => {
                played.update_values(move |t| t.velocity = velocity)
            }
            (Some(vel), None) => played.app_left_discrete(vel, |t, v| Tone {
                velocity: velocity_fraction(v).unwrap_or(t.velocity),
                ..*t
            }),
            _ => played,
        };
        let mut tones = match rudiments {
            Some(r) => Pattern::stack(vec![r.fmap(Tone::from_note), played]),
            None => played,
        };
        let cx = Context {
            humanize: seed,
            chance: draft.chance_seed(),
        };
        for t in &draft.transforms {
            tones = tones.through(|p| apply(t, p, cx));
        }
        tones.filter_map_values(Tone::to_note)
    }
}
