//! The song language in musical terms: what a drummer or keyboard player writes, and the
//! notes that come out.

use flam::engine::timeline::{Event, events};
use flam::lang::song::{Song, compile};
use flam::theory::time::Time;

fn song(src: &str) -> Song {
    compile(src).unwrap_or_else(|e| panic!("{e:?}"))
}

fn bars(s: &Song, from: i64, to: i64) -> Vec<Event> {
    events(s, Time::from_integer(from), Time::from_integer(to))
}

fn onsets(list: &[Event]) -> Vec<Time> {
    list.iter().map(|e| e.cycle).collect()
}

#[test]
fn a_flam_on_the_downbeat_of_the_song_sounds_before_it_starts() {
    let s = song("track snare drums\n  play \"flam ~\"\n");
    let list = bars(&s, 0, 1);
    assert_eq!(list[0].velocity, 45, "the grace comes first");
    assert!(
        (list[0].seconds + 0.025).abs() < 1e-9,
        "25 ms before bar 0: {}",
        list[0].seconds
    );
    assert_eq!(list[0].cycle, Time::ZERO);
}

#[test]
fn a_rudiment_step_can_be_chosen_per_bar_and_transformed() {
    let s =
        song("track snare drums\n  play \"<single-paradiddle flam-accent>\"\n  every 2 fast 2\n");
    let bar0 = bars(&s, 0, 1);
    let bar1 = bars(&s, 1, 2);
    // Bar 0 plays the fast version: two bars of paradiddles squeezed in, 32 strokes.
    assert_eq!(bar0.len(), 32);
    // Bar 1 plays flam accents in eighth-note triplets: 12 strokes, 4 of them with graces.
    assert_eq!(bar1.iter().filter(|e| e.velocity == 45).count(), 4);
    assert_eq!(bar1.len(), 16);
}

#[test]
fn humanized_rudiments_are_the_same_every_time() {
    let src = "track snare drums\n  play \"flam-tap\"\n  humanize 10ms 10\n";
    assert_eq!(bars(&song(src), 0, 4), bars(&song(src), 0, 4));
    let straight = bars(&song("track snare drums\n  play \"flam-tap\"\n"), 0, 1);
    assert_ne!(bars(&song(src), 0, 1), straight);
}

#[test]
fn an_arpeggio_keeps_its_place_in_the_run_across_a_chord_change() {
    let s = song("track keys channel 1\n  play \"c4:maj [f4:maj f4:maj]\"\n  arp up rate 1/8\n");
    let keys: Vec<u8> = bars(&s, 0, 1).iter().map(|e| e.key).collect();
    // Up over C major (60 64 67), then F major (65 69 72) from step 4 on: step 4 is index 1.
    assert_eq!(keys, vec![60, 64, 67, 60, 69, 72, 65, 69]);
}

#[test]
fn arp_gate_sets_how_long_each_note_rings() {
    let s =
        song("tempo 120\ntrack keys channel 1\n  play \"c4:maj\"\n  arp up rate 1/16 gate 150%\n");
    let first = &bars(&s, 0, 1)[0];
    assert_eq!(first.length, Time::new(3, 32));
    assert!((first.duration - 0.1875).abs() < 1e-9);
}

#[test]
fn swing_moves_the_offbeat_sixteenth_to_two_thirds_of_the_pair() {
    let s = song("swing 2/3 1/16\ntrack hats\n  play \"hh*16\"\n");
    let times = onsets(&bars(&s, 0, 1));
    assert_eq!(times[0], Time::ZERO);
    assert_eq!(times[1], Time::new(1, 12));
    assert_eq!(times[2], Time::new(1, 8));
}

#[test]
fn a_muted_track_is_checked_but_silent() {
    let s = song("track kick\n  play \"bd*4\"\ntrack hats mute\n  play \"hh*8\"\n");
    let heard: Vec<(u8, Time)> = bars(&s, 0, 1).iter().map(|e| (e.key, e.cycle)).collect();
    let kicks: Vec<(u8, Time)> = (0..4).map(|i| (36, Time::new(i, 4))).collect();
    assert_eq!(heard, kicks, "the kick plays all four beats, the hats none");
    assert!(compile("track hats mute\n  play \"hx*8\"\n").is_err());
}

#[test]
fn drum_tracks_go_to_channel_ten_and_melodic_tracks_count_up_skipping_it() {
    let s = song(
        "track kick\n  play \"bd\"\ntrack a\n  play \"c4\"\ntrack b\n  play \"e4\"\ntrack c channel 1\n  play \"g4\"\n",
    );
    let channels: Vec<u8> = s.tracks.iter().map(|t| t.channel).collect();
    assert_eq!(channels, vec![10, 2, 3, 1]);
}

#[test]
fn a_bass_line_in_midi_numbers_below_41_stays_a_melodic_track() {
    // E1 and A1 as numbers; PAS numbers 1–40 belong to `rudiment` lines, not to patterns.
    let s = song("track bass\n  play \"28 33\"\n");
    assert_eq!(s.tracks[0].channel, 1);
    let keys: Vec<u8> = bars(&s, 0, 1).iter().map(|e| e.key).collect();
    assert_eq!(keys, vec![28, 33]);
}

#[test]
fn a_dense_cluster_of_midi_numbers_is_not_costed_as_rudiments() {
    // Sixteen 128-note clusters struck twice a bar: 4,112 events a bar, well inside the limit.
    let cluster: Vec<String> = (0..128).map(|k| k.to_string()).collect();
    let mut src = String::new();
    for channel in 1..=16 {
        src += &format!(
            "track t{channel} channel {channel}\n  play \"[{}]*2\"\n",
            cluster.join(",")
        );
    }
    assert_eq!(bars(&song(&src), 0, 1).len(), 16 * 256);
}

#[test]
fn a_rudiment_line_takes_the_pas_number() {
    let by_number = song("track snare drums\n  rudiment 16\n");
    let by_name = song("track snare drums\n  rudiment single-paradiddle\n");
    assert_eq!(bars(&by_number, 0, 2), bars(&by_name, 0, 2));
    assert_eq!(bars(&by_number, 0, 1).len(), 16);
}

#[test]
fn velocity_patterns_accent_the_beat() {
    let s = song("track hats\n  play \"hh*8\"\n  vel \"120 60\"\n");
    let v: Vec<u8> = bars(&s, 0, 1).iter().map(|e| e.velocity).collect();
    assert_eq!(v, vec![120, 120, 120, 120, 60, 60, 60, 60]);
}

#[test]
fn nudge_in_milliseconds_keeps_the_bar_position_and_moves_the_sound() {
    let s = song("tempo 120\ntrack clap\n  play \"~ cp\"\n  nudge 10ms\n");
    let e = &bars(&s, 0, 1)[0];
    assert_eq!(e.cycle, Time::new(1, 2));
    assert!((e.seconds - 1.01).abs() < 1e-9);
}

#[test]
fn transpose_and_octave_move_melodies() {
    let s = song("track lead\n  play \"c4 e4\"\n  transpose 2\n  octave -1\n");
    let keys: Vec<u8> = bars(&s, 0, 1).iter().map(|e| e.key).collect();
    assert_eq!(keys, vec![50, 54]);
}

#[test]
fn chords_sound_all_their_notes_together() {
    let s = song("track keys\n  play \"c4:maj7:ii\"\n");
    let keys: Vec<u8> = bars(&s, 0, 1).iter().map(|e| e.key).collect();
    assert_eq!(keys, vec![67, 71, 72, 76]);
}

#[test]
fn random_drops_are_the_same_every_time_the_bar_is_played() {
    let s = song("track hats\n  play \"hh*16?\"\n");
    assert_eq!(onsets(&bars(&s, 0, 1)), onsets(&bars(&s, 0, 1)));
    assert!(bars(&s, 0, 1).len() < 16);
}

#[test]
fn an_arpeggio_over_scale_degrees_climbs_the_scale_in_real_octaves() {
    let s = song("track keys\n  play \"[0,2,4]\"\n  scale c:minor\n  arp up octaves 2 rate 1/8\n");
    let keys: Vec<u8> = bars(&s, 0, 1).iter().map(|e| e.key).collect();
    // C minor's triad (c3 eb3 g3), then the same an octave up, then round again.
    assert_eq!(keys, vec![48, 51, 55, 60, 63, 67, 48, 51]);
}

#[test]
fn every_with_an_offset_changes_the_second_bar_of_each_group() {
    let s = song("track t\n  play \"c3 e3\"\n  every 4 1 (transpose 12)\n");
    let first_keys = |bar: i64| bars(&s, bar, bar + 1)[0].key;
    assert_eq!(
        (0..5).map(first_keys).collect::<Vec<_>>(),
        vec![48, 60, 48, 48, 48]
    );
}

#[test]
fn lines_before_the_scale_move_degrees_and_lines_after_it_move_semitones() {
    let degrees = song("track t\n  play \"0\"\n  add 2\n  scale c:major\n");
    let semitones = song("track t\n  play \"0\"\n  scale c:major\n  add 2\n");
    // Degree 2 of C major is e3; c3 two semitones up is d3.
    assert_eq!(bars(&degrees, 0, 1)[0].key, 52);
    assert_eq!(bars(&semitones, 0, 1)[0].key, 50);
}

#[test]
fn an_echo_repeats_a_note_softer_each_time() {
    let s = song("track t\n  play \"c3 ~ ~ ~\"\n  vel 100\n  echo 3 1/8 0.5\n");
    let list = bars(&s, 0, 1);
    let heard: Vec<(Time, u8)> = list.iter().map(|e| (e.cycle, e.velocity)).collect();
    assert_eq!(
        heard,
        vec![
            (Time::ZERO, 100),
            (Time::new(1, 8), 50),
            (Time::new(1, 4), 25)
        ]
    );
}

#[test]
fn swing_with_a_whole_number_is_strudels_swing() {
    let strudel = song("track t drums\n  play \"hh*8\"\n  swing 4\n");
    let spelled = song("track t drums\n  play \"hh*8\"\n  swing-by 1/3 4\n");
    assert_eq!(onsets(&bars(&strudel, 0, 2)), onsets(&bars(&spelled, 0, 2)));
    // The second eighth of each quarter comes a third of its half late: a 24th of a bar.
    assert_eq!(
        bars(&strudel, 0, 1)[1].cycle,
        Time::new(1, 8) + Time::new(1, 24)
    );
}

#[test]
fn a_seed_moves_the_dice_of_random_signals_too() {
    let plain = song("track t drums\n  play \"hh*8\"\n  velocity rand range 0.2 1\n");
    let seeded = song("track t drums\n  play \"hh*8\"\n  velocity rand range 0.2 1\n  seed 2\n");
    let velocities = |s: &Song| bars(s, 0, 1).iter().map(|e| e.velocity).collect::<Vec<_>>();
    assert_ne!(velocities(&plain), velocities(&seeded));
    // Strudel's seed adds to time: bar 0 seeded 2 rolls what bar 2 rolls unseeded.
    let bar2: Vec<u8> = bars(&plain, 2, 3).iter().map(|e| e.velocity).collect();
    assert_eq!(velocities(&seeded), bar2);
}

#[test]
fn chunk_takes_a_pattern_of_part_counts() {
    let s = song("track t\n  play \"c3 d3 e3 f3\"\n  chunk \"<2 4>\" (transpose 12)\n");
    let keys = |bar: i64| {
        bars(&s, bar, bar + 1)
            .iter()
            .map(|e| e.key)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(0),
        vec![60, 62, 52, 53],
        "bar 0: the first half, up an octave"
    );
    assert_eq!(keys(1), vec![48, 62, 52, 53], "bar 1: the second quarter");
}
