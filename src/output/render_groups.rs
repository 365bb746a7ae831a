//! How a render divides a song's channels among synthesizers, so the groups can render on
//! separate threads and their stems be summed.

use crate::engine::message::Message;

/// How a render divides the song's channels among synthesizers. Never chosen by the number
/// of threads, so the output cannot depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// Every channel on one synthesizer, as before renders ran in parallel (the reference
    /// the split render is compared with).
    OneSynth,
    /// One synthesizer for each MIDI channel that plays notes, in channel order.
    ByChannel,
}

/// The messages one synthesizer plays in a render.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChannelGroup {
    /// Messages sent before anything renders (banks, programs, controllers), in order.
    pub setup: Vec<Message>,
    /// Messages at their synthesizer sample, in time order.
    pub timed: Vec<(u64, Message)>,
    /// How many notes the group plays, a guess at its share of the work.
    pub notes: usize,
}

/// The MIDI channel (0–15) a message is on.
fn channel_of(message: &Message) -> usize {
    usize::from(message.bytes().0[0] & 0x0f)
}

/// Splits a render's messages, already at their synthesizer samples, into groups. The first
/// `setup` messages are sent before rendering; the rest keep their samples. There is always
/// at least one group (a song without notes renders silence from one synthesizer).
pub fn split(messages: &[(u64, Message)], setup: usize, grouping: Grouping) -> Vec<ChannelGroup> {
    let mut groups: Vec<ChannelGroup> = vec![ChannelGroup::default(); 16];
    for (i, &(at, message)) in messages.iter().enumerate() {
        let group = match grouping {
            Grouping::OneSynth => &mut groups[0],
            Grouping::ByChannel => &mut groups[channel_of(&message)],
        };
        if i < setup {
            group.setup.push(message);
        } else {
            group.timed.push((at, message));
        }
        if matches!(message, Message::NoteOn { .. }) {
            group.notes += 1;
        }
    }
    let mut playing: Vec<ChannelGroup> = match grouping {
        Grouping::OneSynth => groups.into_iter().take(1).collect(),
        // A channel without notes makes no sound, whatever its controllers say.
        Grouping::ByChannel => groups.into_iter().filter(|g| g.notes > 0).collect(),
    };
    if playing.is_empty() {
        playing.push(ChannelGroup::default());
    }
    playing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(channel: u8, key: u8) -> Message {
        Message::NoteOn {
            channel,
            key,
            velocity: 100,
        }
    }

    fn program(channel: u8, program: u8) -> Message {
        Message::ProgramChange { channel, program }
    }

    #[test]
    fn each_channel_that_plays_gets_its_own_synthesizer_in_channel_order() {
        let messages = vec![
            (0, program(10, 0)),
            (0, program(2, 33)),
            (0, program(5, 1)),
            (10, on(10, 36)),
            (10, on(2, 40)),
            (20, on(10, 38)),
        ];
        let groups = split(&messages, 3, Grouping::ByChannel);
        assert_eq!(groups.len(), 2, "channel 5 has no notes");
        assert_eq!(groups[0].setup, vec![program(2, 33)]);
        assert_eq!(groups[0].timed, vec![(10, on(2, 40))]);
        assert_eq!(groups[1].timed, vec![(10, on(10, 36)), (20, on(10, 38))]);
        assert_eq!(groups[1].notes, 2);
    }

    #[test]
    fn one_synthesizer_plays_everything_in_the_song_s_order() {
        let messages = vec![(0, program(2, 33)), (5, on(10, 36)), (5, on(2, 40))];
        let groups = split(&messages, 1, Grouping::OneSynth);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].setup, vec![program(2, 33)]);
        assert_eq!(groups[0].timed, vec![(5, on(10, 36)), (5, on(2, 40))]);
    }

    #[test]
    fn a_song_without_notes_still_has_a_synthesizer_for_its_silence() {
        let groups = split(&[(0, program(1, 0))], 1, Grouping::ByChannel);
        assert_eq!(groups, vec![ChannelGroup::default()]);
    }
}
