#![allow(dead_code)]

use std::cmp;
use std::collections::HashMap;
use std::sync::Arc;

use crate::array_math::ArrayMath;
use crate::channel::Channel;
use crate::chorus::Chorus;
use crate::error::SynthesizerError;
use crate::region_pair::RegionPair;
use crate::reverb::Reverb;
use crate::soundfont::SoundFont;
use crate::soundfont_math::SoundFontMath;
use crate::synthesizer_settings::SynthesizerSettings;
use crate::voice_collection::VoiceCollection;

/// An instance of the SoundFont synthesizer.
#[derive(Debug)]
#[non_exhaustive]
pub struct Synthesizer {
    pub(crate) sound_font: Arc<SoundFont>,
    pub(crate) sample_rate: i32,
    pub(crate) block_size: usize,
    pub(crate) maximum_polyphony: usize,

    preset_lookup: HashMap<i32, usize>,
    default_preset: usize,

    channels: Vec<Channel>,

    voices: VoiceCollection,

    block_left: Vec<f32>,
    block_right: Vec<f32>,

    inverse_block_size: f32,

    block_read: usize,

    master_volume: f32,

    effects: Option<Effects>,
}

impl Synthesizer {
    /// The number of channels.
    pub const CHANNEL_COUNT: usize = 16;
    /// The percussion channel.
    pub const PERCUSSION_CHANNEL: usize = 9;

    /// Initializes a new synthesizer using a specified SoundFont and settings.
    ///
    /// # Arguments
    ///
    /// * `sound_font` - The SoundFont instance.
    /// * `settings` - The settings for synthesis.
    pub fn new(
        sound_font: &Arc<SoundFont>,
        settings: &SynthesizerSettings,
    ) -> Result<Self, SynthesizerError> {
        settings.validate()?;

        let mut preset_lookup: HashMap<i32, usize> = HashMap::new();

        let mut min_preset_id = i32::MAX;
        let mut default_preset: usize = 0;
        for i in 0..sound_font.presets.len() {
            let preset = &sound_font.presets[i];

            // The preset ID is Int32, where the upper 16 bits represent the bank number
            // and the lower 16 bits represent the patch number.
            // This ID is used to search for presets by the combination of bank number
            // and patch number.
            let preset_id = (preset.bank_number << 16) | preset.patch_number;
            preset_lookup.insert(preset_id, i);

            // The preset with the minimum ID number will be default.
            // If the SoundFont is GM compatible, the piano will be chosen.
            if preset_id < min_preset_id {
                default_preset = i;
                min_preset_id = preset_id;
            }
        }

        let mut channels: Vec<Channel> = Vec::new();
        for i in 0..Synthesizer::CHANNEL_COUNT {
            channels.push(Channel::new(i == Synthesizer::PERCUSSION_CHANNEL));
        }

        let voices = VoiceCollection::new(settings);

        let block_left: Vec<f32> = vec![0_f32; settings.block_size];
        let block_right: Vec<f32> = vec![0_f32; settings.block_size];

        let inverse_block_size = 1_f32 / settings.block_size as f32;

        let block_read = settings.block_size;

        let master_volume = 0.5_f32;

        let effects = if settings.enable_reverb_and_chorus {
            Some(Effects::new(settings))
        } else {
            None
        };

        Ok(Self {
            sound_font: Arc::clone(sound_font),
            sample_rate: settings.sample_rate,
            block_size: settings.block_size,
            maximum_polyphony: settings.maximum_polyphony,
            preset_lookup,
            default_preset,
            channels,
            voices,
            block_left,
            block_right,
            inverse_block_size,
            block_read,
            master_volume,
            effects,
        })
    }

    /// Processes a MIDI message.
    ///
    /// # Arguments
    ///
    /// * `channel` - The channel to which the message will be sent.
    /// * `command` - The type of the message.
    /// * `data1` - The first data part of the message.
    /// * `data2` - The second data part of the message.
    pub fn process_midi_message(&mut self, channel: i32, command: i32, data1: i32, data2: i32) {
        if !(0 <= channel && channel < self.channels.len() as i32) {
            return;
        }

        let channel_info = &mut self.channels[channel as usize];

        match command {
            0x80 => self.note_off(channel, data1),       // Note Off
            0x90 => self.note_on(channel, data1, data2), // Note On
            0xB0 => match data1 // Controller
            {
                0x00 => channel_info.set_bank(data2), // Bank Selection
                0x01 => channel_info.set_modulation_coarse(data2), // Modulation Coarse
                0x21 => channel_info.set_modulation_fine(data2), // Modulation Fine
                0x06 => channel_info.data_entry_coarse(data2), // Data Entry Coarse
                0x26 => channel_info.data_entry_fine(data2), // Data Entry Fine
                0x07 => channel_info.set_volume_coarse(data2), // Channel Volume Coarse
                0x27 => channel_info.set_volume_fine(data2), // Channel Volume Fine
                0x0A => channel_info.set_pan_coarse(data2), // Pan Coarse
                0x2A => channel_info.set_pan_fine(data2), // Pan Fine
                0x0B => channel_info.set_expression_coarse(data2), // Expression Coarse
                0x2B => channel_info.set_expression_fine(data2), // Expression Fine
                0x40 => channel_info.set_hold_pedal(data2), // Hold Pedal
                0x5B => channel_info.set_reverb_send(data2), // Reverb Send
                0x5D => channel_info.set_chorus_send(data2), // Chorus Send
                0x4A => channel_info.set_brightness(data2), // flam: Brightness (cutoff)
                0x47 => channel_info.set_harmonic(data2), // flam: Harmonic Content (resonance)
                0x63 => channel_info.set_nrpn_coarse(data2), // NRPN Coarse
                0x62 => channel_info.set_nrpn_fine(data2), // NRPN Fine
                0x65 => channel_info.set_rpn_coarse(data2), // RPN Coarse
                0x64 => channel_info.set_rpn_fine(data2), // RPN Fine
                0x78 => self.note_off_all_channel(channel, true), // All Sound Off
                0x79 => self.reset_all_controllers_channel(channel), // Reset All Controllers
                0x7B => self.note_off_all_channel(channel, false), // All Note Off
                _ => (),
            },
            0xC0 => channel_info.set_patch(data1), // Program Change
            0xD0 => channel_info.set_pressure(data1), // flam: Channel Pressure
            0xE0 => channel_info.set_pitch_bend(data1, data2), // Pitch Bend
            _ => (),
        }
    }

    /// Stops a note.
    ///
    /// # Arguments
    ///
    /// * `channel` - The channel of the note.
    /// * `key` - The key of the note.
    pub fn note_off(&mut self, channel: i32, key: i32) {
        if !(0 <= channel && channel < self.channels.len() as i32) {
            return;
        }

        for voice in self.voices.get_active_voices().iter_mut() {
            if voice.channel() == channel && voice.key() == key {
                voice.end();
            }
        }
    }

    /// Starts a note.
    ///
    /// # Arguments
    ///
    /// * `channel` - The channel of the note.
    /// * `key` - The key of the note.
    /// * `velocity` - The velocity of the note.
    pub fn note_on(&mut self, channel: i32, key: i32, velocity: i32) {
        self.note_on_delayed(channel, key, velocity, 0);
    }

    /// flam: starts a note `delay` samples into the next block that will be rendered, so notes
    /// start on their exact sample, not on block boundaries. `delay` is clamped to the block.
    ///
    /// Call it only when the synthesizer is at a block boundary (after rendering whole
    /// blocks), otherwise the delay counts from the start of the next block.
    pub fn note_on_delayed(&mut self, channel: i32, key: i32, velocity: i32, delay: usize) {
        if velocity == 0 {
            self.note_off(channel, key);
            return;
        }

        if !(0 <= channel && channel < self.channels.len() as i32) {
            return;
        }

        let channel_info = &self.channels[channel as usize];

        let preset_id = (channel_info.get_bank_number() << 16) | channel_info.get_patch_number();

        let mut preset = self.default_preset;
        match self.preset_lookup.get(&preset_id) {
            Some(value) => preset = *value,
            None => {
                // Try fallback to the GM sound set.
                // Normally, the given patch number + the bank number 0 will work.
                // For drums (bank number >= 128), it seems to be better to select the standard set (128:0).
                let gm_preset_id = if channel_info.get_bank_number() < 128 {
                    channel_info.get_patch_number()
                } else {
                    128 << 16
                };

                // If no corresponding preset was found. Use the default one...
                if let Some(value) = self.preset_lookup.get(&gm_preset_id) {
                    preset = *value
                }
            }
        }

        let preset = &self.sound_font.presets[preset];
        for preset_region in preset.regions.iter() {
            if preset_region.contains(key, velocity) {
                let instrument = &self.sound_font.instruments[preset_region.instrument];
                for instrument_region in instrument.regions.iter() {
                    if instrument_region.contains(key, velocity) {
                        let region_pair = RegionPair::new(preset_region, instrument_region);

                        if let Some(value) = self.voices.request_new(instrument_region, channel) {
                            value.start(&region_pair, channel, key, velocity);
                            value.set_start_delay(delay);
                        }
                    }
                }
            }
        }
    }

    /// Stops all the notes in the specified channel.
    ///
    /// # Arguments
    ///
    /// * `immediate` - If `true`, notes will stop immediately without the release sound.
    pub fn note_off_all(&mut self, immediate: bool) {
        if immediate {
            self.voices.clear();
        } else {
            for voice in self.voices.get_active_voices().iter_mut() {
                voice.end();
            }
        }
    }

    /// Stops all the notes in the specified channel.
    ///
    /// # Arguments
    ///
    /// * `channel` - The channel in which the notes will be stopped.
    /// * `immediate` - If `true`, notes will stop immediately without the release sound.
    pub fn note_off_all_channel(&mut self, channel: i32, immediate: bool) {
        if immediate {
            for voice in self.voices.get_active_voices().iter_mut() {
                if voice.channel() == channel {
                    voice.kill();
                }
            }
        } else {
            for voice in self.voices.get_active_voices().iter_mut() {
                if voice.channel() == channel {
                    voice.end();
                }
            }
        }
    }

    /// Resets all the controllers.
    pub fn reset_all_controllers(&mut self) {
        for channel in &mut self.channels {
            channel.reset_all_controllers();
        }
    }

    /// Resets all the controllers of the specified channel.
    ///
    /// # Arguments
    ///
    /// * `channel` - The channel to be reset.
    pub fn reset_all_controllers_channel(&mut self, channel: i32) {
        if !(0 <= channel && channel < self.channels.len() as i32) {
            return;
        }

        self.channels[channel as usize].reset_all_controllers();
    }

    /// Resets the synthesizer.
    pub fn reset(&mut self) {
        self.voices.clear();

        for channel in &mut self.channels {
            channel.reset();
        }

        if let Some(effects) = self.effects.as_mut() {
            effects.reverb.mute();
            effects.chorus.mute();
        }

        self.block_read = self.block_size;
    }

    /// Renders the waveform.
    ///
    /// # Arguments
    ///
    /// * `left` - The buffer of the left channel to store the rendered waveform.
    /// * `right` - The buffer of the right channel to store the rendered waveform.
    ///
    /// # Remarks
    ///
    /// The output buffers for the left and right must be the same length.
    pub fn render(&mut self, left: &mut [f32], right: &mut [f32]) {
        if left.len() != right.len() {
            panic!("The output buffers for the left and right must be the same length.");
        }

        let left_length = left.len();

        let mut wrote = 0;
        while wrote < left_length {
            if self.block_read == self.block_size {
                self.render_block();
                self.block_read = 0;
            }

            let src_rem = self.block_size - self.block_read;
            let dst_rem = left_length - wrote;
            let rem = cmp::min(src_rem, dst_rem);

            for t in 0..rem {
                left[wrote + t] = self.block_left[self.block_read + t];
                right[wrote + t] = self.block_right[self.block_read + t];
            }

            self.block_read += rem;
            wrote += rem;
        }
    }

    fn render_block(&mut self) {
        self.voices
            .process(&self.sound_font.wave_data, &self.channels);
        let master_volume = self.master_volume;
        let inverse_block_size = self.inverse_block_size;
        Synthesizer::write_dry(
            self.voices.get_active_voices(),
            master_volume,
            inverse_block_size,
            &mut self.block_left,
            &mut self.block_right,
        );
        if let Some(effects) = self.effects.as_mut() {
            // flam: both sends are written before either effect runs; neither depends on the
            // effects' output, so every value is what it was when each send was written just
            // before its effect.
            let Effects {
                chorus_input_left,
                chorus_input_right,
                reverb_input,
                ..
            } = effects;
            Synthesizer::write_sends(
                self.voices.get_active_voices(),
                inverse_block_size,
                chorus_input_left,
                chorus_input_right,
                reverb_input,
            );
            effects.apply_own_sends(master_volume, &mut self.block_left, &mut self.block_right);
        }
    }

    /// flam: renders the next block of the voices alone (master volume applied, no effects)
    /// into `left` and `right`, and, with `sends`, what they send to the chorus (left, right)
    /// and the reverb, so several synthesizers can share one [`Effects`] on the sum of their
    /// sends. Every slice must be one block long, and this synthesizer must have been
    /// rendered in whole blocks. Its own effects, if any, are left out.
    pub fn render_block_dry(
        &mut self,
        left: &mut [f32],
        right: &mut [f32],
        sends: Option<[&mut [f32]; 3]>,
    ) {
        self.voices
            .process(&self.sound_font.wave_data, &self.channels);
        let voices = self.voices.get_active_voices();
        Synthesizer::write_dry(
            voices,
            self.master_volume,
            self.inverse_block_size,
            left,
            right,
        );
        if let Some([chorus_left, chorus_right, reverb]) = sends {
            Synthesizer::write_sends(
                voices,
                self.inverse_block_size,
                chorus_left,
                chorus_right,
                reverb,
            );
        }
    }

    /// flam: the voices' dry mix, as rustysynth 1.3.8's `render_block` wrote it.
    fn write_dry(
        voices: &mut [crate::voice::Voice],
        master_volume: f32,
        inverse_block_size: f32,
        block_left: &mut [f32],
        block_right: &mut [f32],
    ) {
        block_left.fill(0_f32);
        block_right.fill(0_f32);
        for voice in voices.iter_mut() {
            let previous_gain_left = master_volume * voice.previous_mix_gain_left;
            let current_gain_left = master_volume * voice.current_mix_gain_left;
            Synthesizer::write_block(
                previous_gain_left,
                current_gain_left,
                voice.block(),
                block_left,
                inverse_block_size,
            );
            let previous_gain_right = master_volume * voice.previous_mix_gain_right;
            let current_gain_right = master_volume * voice.current_mix_gain_right;
            Synthesizer::write_block(
                previous_gain_right,
                current_gain_right,
                voice.block(),
                block_right,
                inverse_block_size,
            );
        }
    }

    /// flam: the voices' sends to the chorus and the reverb, as rustysynth 1.3.8's
    /// `render_block` wrote them.
    fn write_sends(
        voices: &mut [crate::voice::Voice],
        inverse_block_size: f32,
        chorus_input_left: &mut [f32],
        chorus_input_right: &mut [f32],
        reverb_input: &mut [f32],
    ) {
        chorus_input_left.fill(0_f32);
        chorus_input_right.fill(0_f32);
        for voice in voices.iter_mut() {
            let previous_gain_left = voice.previous_chorus_send * voice.previous_mix_gain_left;
            let current_gain_left = voice.current_chorus_send * voice.current_mix_gain_left;
            Synthesizer::write_block(
                previous_gain_left,
                current_gain_left,
                voice.block(),
                chorus_input_left,
                inverse_block_size,
            );
            let previous_gain_right = voice.previous_chorus_send * voice.previous_mix_gain_right;
            let current_gain_right = voice.current_chorus_send * voice.current_mix_gain_right;
            Synthesizer::write_block(
                previous_gain_right,
                current_gain_right,
                voice.block(),
                chorus_input_right,
                inverse_block_size,
            );
        }
        reverb_input.fill(0_f32);
        for voice in voices.iter_mut() {
            let previous_gain = Effects::REVERB_INPUT_GAIN
                * voice.previous_reverb_send
                * (voice.previous_mix_gain_left + voice.previous_mix_gain_right);
            let current_gain = Effects::REVERB_INPUT_GAIN
                * voice.current_reverb_send
                * (voice.current_mix_gain_left + voice.current_mix_gain_right);
            Synthesizer::write_block(
                previous_gain,
                current_gain,
                voice.block(),
                reverb_input,
                inverse_block_size,
            );
        }
    }

    /// flam: voices stolen so far because every voice was busy (a note that replaces one
    /// of the same exclusive class on its channel, like a closing hi-hat, is not counted).
    pub fn stolen_voices(&self) -> u64 {
        self.voices.stolen
    }

    fn write_block(
        previous_gain: f32,
        current_gain: f32,
        source: &[f32],
        destination: &mut [f32],
        inverse_block_size: f32,
    ) {
        if SoundFontMath::max(previous_gain, current_gain) < SoundFontMath::NON_AUDIBLE {
            return;
        }

        if (current_gain - previous_gain).abs() < 1.0E-3_f32 {
            ArrayMath::multiply_add(current_gain, source, destination);
        } else {
            let step = inverse_block_size * (current_gain - previous_gain);
            ArrayMath::multiply_add_slope(previous_gain, step, source, destination);
        }
    }

    /// Gets the SoundFont used as the audio source.
    pub fn get_sound_font(&self) -> &SoundFont {
        &self.sound_font
    }

    /// Gets the sample rate for synthesis.
    pub fn get_sample_rate(&self) -> i32 {
        self.sample_rate
    }

    /// Gets the block size for rendering waveform.
    pub fn get_block_size(&self) -> usize {
        self.block_size
    }

    /// Gets the number of maximum polyphony.
    pub fn get_maximum_polyphony(&self) -> usize {
        self.maximum_polyphony
    }

    /// Gets the value indicating whether reverb and chorus are enabled.
    pub fn get_enable_reverb_and_chorus(&self) -> bool {
        self.effects.is_some()
    }

    /// Gets the master volume.
    pub fn get_master_volume(&self) -> f32 {
        self.master_volume
    }

    /// Sets the master volume.
    ///
    /// # Arguments
    ///
    /// * `value` - The new value of the master volume.
    pub fn set_master_volume(&mut self, value: f32) {
        self.master_volume = value;
    }
}

/// flam: a chorus and a reverb, as each synthesizer with effects has, which several
/// synthesizers rendering with [`Synthesizer::render_block_dry`] can share.
#[derive(Debug)]
pub struct Effects {
    reverb: Reverb,
    reverb_input: Vec<f32>,
    reverb_output_left: Vec<f32>,
    reverb_output_right: Vec<f32>,

    chorus: Chorus,
    chorus_input_left: Vec<f32>,
    chorus_input_right: Vec<f32>,
    chorus_output_left: Vec<f32>,
    chorus_output_right: Vec<f32>,
}

impl Effects {
    /// The reverb's input gain, which scales every voice's reverb send.
    const REVERB_INPUT_GAIN: f32 = Reverb::FIXED_GAIN;

    fn new(settings: &SynthesizerSettings) -> Effects {
        Effects::for_blocks(settings.sample_rate, settings.block_size)
    }

    /// flam: effects for blocks of `block_size` samples at `sample_rate`, set as a
    /// synthesizer's own.
    pub fn for_blocks(sample_rate: i32, block_size: usize) -> Effects {
        Self {
            reverb: Reverb::new(sample_rate),
            reverb_input: vec![0_f32; block_size],
            reverb_output_left: vec![0_f32; block_size],
            reverb_output_right: vec![0_f32; block_size],
            chorus: Chorus::new(sample_rate, 0.002, 0.0019, 0.4),
            chorus_input_left: vec![0_f32; block_size],
            chorus_input_right: vec![0_f32; block_size],
            chorus_output_left: vec![0_f32; block_size],
            chorus_output_right: vec![0_f32; block_size],
        }
    }

    /// flam: adds the chorus of `chorus_left`/`chorus_right` and then the reverb of
    /// `reverb`, each scaled by `master_volume`, to `left` and `right`. Every slice is one
    /// block long; the sends are what [`Synthesizer::render_block_dry`] wrote (or their sum
    /// over several synthesizers).
    pub fn process(
        &mut self,
        master_volume: f32,
        sends: [&[f32]; 3],
        left: &mut [f32],
        right: &mut [f32],
    ) {
        let [chorus_left, chorus_right, reverb] = sends;
        self.chorus.process(
            chorus_left,
            chorus_right,
            &mut self.chorus_output_left,
            &mut self.chorus_output_right,
        );
        ArrayMath::multiply_add(master_volume, &self.chorus_output_left, left);
        ArrayMath::multiply_add(master_volume, &self.chorus_output_right, right);
        self.reverb.process(
            reverb,
            &mut self.reverb_output_left,
            &mut self.reverb_output_right,
        );
        ArrayMath::multiply_add(master_volume, &self.reverb_output_left, left);
        ArrayMath::multiply_add(master_volume, &self.reverb_output_right, right);
    }

    /// The effects of the sends in this synthesizer's own input buffers.
    fn apply_own_sends(&mut self, master_volume: f32, left: &mut [f32], right: &mut [f32]) {
        // Taking the buffers out and back only moves pointers: the live callback never
        // allocates here.
        let chorus_left = std::mem::take(&mut self.chorus_input_left);
        let chorus_right = std::mem::take(&mut self.chorus_input_right);
        let reverb = std::mem::take(&mut self.reverb_input);
        self.process(master_volume, [&chorus_left, &chorus_right, &reverb], left, right);
        self.chorus_input_left = chorus_left;
        self.chorus_input_right = chorus_right;
        self.reverb_input = reverb;
    }
}
