#![allow(dead_code)]

use crate::bi_quad_filter::BiQuadFilter;
use crate::channel::Channel;
use crate::instrument_region::InstrumentRegion;
use crate::synthesizer_settings::SynthesizerSettings;
use crate::voice::Voice;

#[derive(Debug)]
#[non_exhaustive]
pub(crate) struct VoiceCollection {
    voices: Vec<Voice>,
    pub(crate) active_voice_count: usize,
    /// flam: voices taken from a sounding note because every voice was busy.
    pub(crate) stolen: u64,
}

impl VoiceCollection {
    pub(crate) fn new(settings: &SynthesizerSettings) -> Self {
        let mut voices: Vec<Voice> = Vec::new();
        for _i in 0..settings.maximum_polyphony {
            voices.push(Voice::new(settings));
        }

        Self {
            voices,
            active_voice_count: 0,
            stolen: 0,
        }
    }

    pub(crate) fn request_new(
        &mut self,
        region: &InstrumentRegion,
        channel: i32,
    ) -> Option<&mut Voice> {
        // If an exclusive class is assigned to the region, find a voice with the same class.
        // If found, reuse it to avoid playing multiple voices with the same class at a time.
        let exclusive_class = region.get_exclusive_class();
        if exclusive_class != 0 {
            for i in 0..self.active_voice_count {
                let voice = &self.voices[i];
                if voice.exclusive_class() == exclusive_class && voice.channel() == channel {
                    return Some(&mut self.voices[i]);
                }
            }
        }

        // If the number of active voices is less than the limit, use a free one.
        if (self.active_voice_count) < self.voices.len() {
            let i = self.active_voice_count;
            self.active_voice_count += 1;
            return Some(&mut self.voices[i]);
        }

        // Too many active voices...
        // Find one which has the lowest priority.
        self.stolen += 1;
        let mut candidate: usize = 0;
        let mut lowest_priority = f32::MAX;
        for i in 0..self.active_voice_count {
            let voice = &self.voices[i];
            let priority = voice.priority();
            if priority < lowest_priority {
                lowest_priority = priority;
                candidate = i;
            } else if priority == lowest_priority {
                // Same priority...
                // The older one should be more suitable for reuse.
                if voice.voice_length() > self.voices[candidate].voice_length() {
                    candidate = i;
                }
            }
        }
        Some(&mut self.voices[candidate])
    }

    pub(crate) fn process(&mut self, data: &[i16], channels: &[Channel]) {
        let mut i: usize = 0;

        // flam: each voice's source first (ended voices leave as before), then the filters
        // four voices at a time (each filter is a chain of dependent operations; four side
        // by side overlap), then the gains. Every voice computes exactly what
        // `Voice::process` would.
        while i < self.active_voice_count {
            if self.voices[i].process_source(data, channels) {
                i += 1;
            } else {
                self.active_voice_count -= 1;
                self.voices.swap(i, self.active_voice_count);
            }
        }

        let active = &mut self.voices[..self.active_voice_count];
        let mut group = active.chunks_exact_mut(BiQuadFilter::LANES);
        for four in group.by_ref() {
            let [a, b, c, d] = four else {
                continue;
            };
            let (fa, ba) = a.filter_and_block();
            let (fb, bb) = b.filter_and_block();
            let (fc, bc) = c.filter_and_block();
            let (fd, bd) = d.filter_and_block();
            BiQuadFilter::process_four([fa, fb, fc, fd], [ba, bb, bc, bd]);
        }
        for voice in group.into_remainder() {
            let (filter, block) = voice.filter_and_block();
            filter.process(block);
        }

        for voice in self.voices[..self.active_voice_count].iter_mut() {
            voice.process_gains(channels);
        }
    }

    pub(crate) fn get_active_voices(&mut self) -> &mut [Voice] {
        &mut self.voices[0..self.active_voice_count]
    }

    pub(crate) fn clear(&mut self) {
        self.active_voice_count = 0;
    }
}
