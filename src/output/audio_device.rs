//! The audio device the live synth plays through: ALSA's default device through cpal, or a
//! JACK server through flam's own client (cpal would name it `cpal_client_PID_out`).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{BufferSize, ErrorKind, SampleFormat, SupportedBufferSize};
use rustysynth::SoundFont;

use super::audio_host::AudioHost;
use super::output_error::{OutputError, OutputErrorKind};
use super::quiet_stderr::QuietStderr;
use super::started_synth::StartedSynth;
use super::synth::{MAX_SYNTH_RATE, MIN_SYNTH_RATE};
use super::synth_callback::SynthCallback;
use super::synth_meters::SynthMeters;
use super::synth_sink::SynthSink;

/// The buffer size asked of ALSA when `--buffer` does not say.
pub const DEFAULT_BUFFER: u32 = 256;

/// The `--buffer` range.
pub const BUFFER_RANGE: std::ops::RangeInclusive<u32> = 64..=4096;

/// How long the audio system may take to start a stream.
const OPEN_TIMEOUT: Duration = Duration::from_secs(5);

/// How long the first callback may take to come.
const FIRST_CALLBACK: Duration = Duration::from_secs(2);

/// What to suggest when the synth cannot play.
const HELP: &str = "check the sound card with `aplay -l` (is another program using it?), play through a running JACK server with --audio jack, send MIDI to another synth with --out jack:PORT or --out midi:PORT (see `flam ports`), or render a WAV file with `flam render`";

/// An audio device found and ready to open: its sample rate and buffers are known.
pub struct AudioDevice {
    backend: Backend,
    name: String,
    verbose: bool,
}

/// What plays the sound.
enum Backend {
    /// ALSA through cpal, with the device's default output configuration.
    Alsa {
        device: cpal::Device,
        config: cpal::SupportedStreamConfig,
    },
    /// flam's own JACK client.
    #[cfg(feature = "jack")]
    Jack(super::jack::jack_audio::JackAudio),
}

/// What kind of output problem a cpal error is.
fn kind(e: &cpal::Error) -> OutputErrorKind {
    match e.kind() {
        ErrorKind::DeviceNotAvailable | ErrorKind::HostUnavailable => OutputErrorKind::Unavailable,
        _ => OutputErrorKind::Refused,
    }
}

/// The synth cannot play: `problem`, with what to try instead.
fn cannot_play(kind: OutputErrorKind, problem: String) -> OutputError {
    OutputError::new(kind, format!("cannot play through the synth: {problem}")).help(HELP)
}

/// Why cpal failed, in words.
fn explain(e: &cpal::Error) -> String {
    let what = match e.kind() {
        ErrorKind::DeviceNotAvailable => "is not available",
        ErrorKind::DeviceBusy => "is busy (another program is using it)",
        ErrorKind::PermissionDenied => {
            "may not be used (permission denied: is your user in the `audio` group?)"
        }
        ErrorKind::HostUnavailable => "cannot be reached (the audio system is not running)",
        ErrorKind::UnsupportedConfig => "does not support the settings asked for",
        _ => "failed",
    };
    match e.message() {
        Some(m) if !m.is_empty() => format!("{what} ({:?}: {m})", e.kind()),
        _ => format!("{what} ({:?})", e.kind()),
    }
}

impl AudioDevice {
    /// Finds `host`'s default output device and its configuration without opening it.
    /// Errors name what was tried and say how to fix it.
    pub fn probe(host: AudioHost, verbose: bool) -> Result<AudioDevice, OutputError> {
        let _quiet = QuietStderr::new(!verbose);
        let (backend, name) = match host {
            AudioHost::Alsa => {
                let cpal_host = cpal::host_from_id(cpal::HostId::Alsa)
                    .map_err(|e| cannot_play(kind(&e), format!("ALSA {}", explain(&e))))?;
                let device = cpal_host.default_output_device().ok_or_else(|| {
                    cannot_play(
                        OutputErrorKind::Unavailable,
                        "ALSA has no audio output device".into(),
                    )
                })?;
                let id = device
                    .id()
                    .map(|id| id.id().to_string())
                    .unwrap_or_else(|_| device.to_string());
                let name = format!("ALSA audio device `{id}`");
                let config = device
                    .default_output_config()
                    .map_err(|e| cannot_play(kind(&e), format!("the {name} {}", explain(&e))))?;
                (Backend::Alsa { device, config }, name)
            }
            AudioHost::Jack => (jack_backend()?, "JACK audio output".to_string()),
        };
        let device = AudioDevice {
            backend,
            name,
            verbose,
        };
        let rate = device.sample_rate();
        if !(MIN_SYNTH_RATE..=MAX_SYNTH_RATE).contains(&rate) {
            return Err(cannot_play(
                OutputErrorKind::Refused,
                format!(
                    "the {} runs at {rate} Hz; the synth needs {MIN_SYNTH_RATE}–{MAX_SYNTH_RATE} Hz",
                    device.name
                ),
            ));
        }
        Ok(device)
    }

    /// The device's sample rate, which the synthesizer runs at.
    pub fn sample_rate(&self) -> u32 {
        match &self.backend {
            Backend::Alsa { config, .. } => config.sample_rate(),
            #[cfg(feature = "jack")]
            Backend::Jack(jack) => jack.sample_rate(),
        }
    }

    /// The audio system.
    pub fn host(&self) -> AudioHost {
        match &self.backend {
            Backend::Alsa { .. } => AudioHost::Alsa,
            #[cfg(feature = "jack")]
            Backend::Jack(_) => AudioHost::Jack,
        }
    }

    /// Starts the synth playing `font` on the device, with `buffer` frames per callback
    /// where the device lets flam choose (ALSA; JACK's server sets its own). Returns once the
    /// first callback has run, so the sink knows the device's clock.
    pub fn start(
        self,
        font: &Arc<SoundFont>,
        buffer: Option<u32>,
    ) -> Result<StartedSynth, OutputError> {
        let name = self.name.clone();
        let fail = |why: String| cannot_play(OutputErrorKind::Refused, why);
        let (mut sink, callback) = SynthSink::new(font, self.sample_rate())
            .map_err(|e| fail(format!("the synthesizer cannot start: {e}")))?;
        let meters = sink.meters();
        let rate = self.sample_rate();
        let mut notes = Vec::new();
        let description = match self.backend {
            Backend::Alsa { device, config } => {
                let wanted = buffer.unwrap_or(DEFAULT_BUFFER);
                let buffer_size = match config.buffer_size() {
                    SupportedBufferSize::Range { min, max } => {
                        let chosen = wanted.clamp(*min, (*max).max(*min));
                        if chosen != wanted {
                            notes.push(format!(
                                "the {name} takes {min}–{max} frames per buffer; using {chosen}"
                            ));
                        }
                        BufferSize::Fixed(chosen)
                    }
                    SupportedBufferSize::Unknown => BufferSize::Fixed(wanted),
                };
                let mut stream_config = config.config();
                stream_config.buffer_size = buffer_size;
                let stream = {
                    let _quiet = QuietStderr::new(!self.verbose);
                    build(
                        &device,
                        &stream_config,
                        config.sample_format(),
                        callback,
                        &meters,
                    )
                    .map_err(|e| fail(format!("the {name} {}", explain(&e))))?
                };
                stream
                    .play()
                    .map_err(|e| fail(format!("the {name} {}", explain(&e))))?;
                wait_for_first_callback(&meters, &name).map_err(fail)?;
                sink.keep(Box::new(stream));
                let period = meters.period.load(Ordering::Relaxed);
                format!("the synth on the {name} ({rate} Hz, {period}-frame buffers)")
            }
            #[cfg(feature = "jack")]
            Backend::Jack(jack) => {
                let period = jack.period();
                if let Some(wanted) = buffer.filter(|&b| b != period) {
                    notes.push(format!(
                        "JACK's period is {period} frames (the server sets it, e.g. `jackd -p {wanted}`); --buffer {wanted} does not apply"
                    ));
                }
                let (running, ports) = jack
                    .start(callback, &meters)
                    .map_err(|e| e.context("cannot play through the synth on JACK"))?;
                wait_for_first_callback(&meters, &name).map_err(fail)?;
                sink.keep(Box::new(running));
                format!("the synth on JACK ({ports}; {rate} Hz, {period}-frame periods)")
            }
        };
        Ok(StartedSynth {
            sink,
            description,
            notes,
        })
    }
}

/// Waits until the audio system has asked for sound once, so the sink knows its clock.
fn wait_for_first_callback(meters: &SynthMeters, name: &str) -> Result<(), String> {
    let give_up = Instant::now() + FIRST_CALLBACK;
    while meters.callbacks.load(Ordering::Acquire) == 0 {
        if Instant::now() > give_up || meters.gone.load(Ordering::Acquire) {
            return Err(format!(
                "the {name} did not ask for any sound within {} s",
                FIRST_CALLBACK.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

/// Builds the output stream for the device's sample format.
fn build(
    device: &cpal::Device,
    config: &cpal::StreamConfig,
    format: SampleFormat,
    callback: SynthCallback,
    meters: &Arc<SynthMeters>,
) -> Result<cpal::Stream, cpal::Error> {
    match format {
        SampleFormat::F32 => build_as::<f32>(device, config, callback, meters),
        SampleFormat::F64 => build_as::<f64>(device, config, callback, meters),
        SampleFormat::I16 => build_as::<i16>(device, config, callback, meters),
        SampleFormat::I32 => build_as::<i32>(device, config, callback, meters),
        SampleFormat::U16 => build_as::<u16>(device, config, callback, meters),
        SampleFormat::I8 => build_as::<i8>(device, config, callback, meters),
        SampleFormat::U8 => build_as::<u8>(device, config, callback, meters),
        other => Err(cpal::Error::with_message(
            ErrorKind::UnsupportedConfig,
            format!("flam cannot write {other} samples"),
        )),
    }
}

fn build_as<T>(
    device: &cpal::Device,
    config: &cpal::StreamConfig,
    mut callback: SynthCallback,
    meters: &Arc<SynthMeters>,
) -> Result<cpal::Stream, cpal::Error>
where
    T: cpal::SizedSample + cpal::FromSample<f32>,
{
    let channels = usize::from(config.channels);
    let errors = meters.clone();
    // cpal's ALSA thread runs at normal priority; the first callback raises it.
    let mut promote = true;
    device.build_output_stream::<T, _, _>(
        *config,
        move |data: &mut [T], info: &cpal::OutputCallbackInfo| {
            if promote {
                promote = false;
                promote_current_thread();
            }
            let now = Instant::now();
            let stamp = info.timestamp();
            let latency = stamp.playback.duration_since(stamp.callback);
            callback.render(
                data,
                channels,
                <T as cpal::Sample>::from_sample,
                now,
                latency,
            );
        },
        move |e: cpal::Error| match e.kind() {
            ErrorKind::Xrun => {
                errors.xruns.fetch_add(1, Ordering::Relaxed);
            }
            // The stream goes on: a new route, or no real-time priority (cpal's `realtime`
            // feature, not used; flam raises the ALSA thread itself).
            ErrorKind::DeviceChanged | ErrorKind::RealtimeDenied => {}
            _ => errors.gone.store(true, Ordering::Release),
        },
        Some(OPEN_TIMEOUT),
    )
}

/// The SCHED_FIFO priority of the audio callback's thread on ALSA: above flam's sender (5),
/// below JACK's own threads (10 and up).
const AUDIO_PRIORITY: i32 = 6;

/// Gives the calling thread real-time priority when allowed (a system call; it neither
/// allocates nor blocks). Without permission the synth still plays, less safely under load.
fn promote_current_thread() {
    let param = libc::sched_param {
        sched_priority: AUDIO_PRIORITY,
    };
    // SAFETY: pthread_self() is a valid handle for the calling thread, and `param` is an
    // initialised sched_param that outlives the call.
    unsafe { libc::pthread_setschedparam(libc::pthread_self(), libc::SCHED_FIFO, &param) };
}

/// flam's own client on a running JACK server.
#[cfg(feature = "jack")]
fn jack_backend() -> Result<Backend, OutputError> {
    super::jack::jack_audio::JackAudio::probe()
        .map(Backend::Jack)
        .map_err(|e| e.context("cannot play through the synth on JACK"))
}

#[cfg(not(feature = "jack"))]
fn jack_backend() -> Result<Backend, OutputError> {
    Err(OutputError::new(
        OutputErrorKind::NotBuilt,
        "this flam was built without JACK support",
    )
    .help("rebuild with `cargo build --features jack`, or use --audio alsa"))
}
