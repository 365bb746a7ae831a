//! The built-in synth on a JACK server: flam's own audio client, called `flam`, with a left
//! and a right port connected to the system's playback ports.

use std::sync::Arc;

use jack::{AsyncClient, AudioOut, Client, PortFlags};

use super::audio_notifications::AudioNotifications;
use super::audio_process::AudioProcess;
use super::jack_sink::connect;
use crate::output::output_error::{OutputError, OutputErrorKind};
use crate::output::synth_callback::SynthCallback;
use crate::output::synth_meters::SynthMeters;

/// The client's name on the server (JACK adds `-01` and so on when it is taken).
const CLIENT: &str = "flam";

/// The ports' short names.
const PORTS: [&str; 2] = ["out_left", "out_right"];

/// A JACK client opened but not yet playing: its sample rate and period are known.
pub struct JackAudio {
    client: Client,
}

/// A running JACK audio client; dropping it closes the client.
pub struct RunningJackAudio {
    /// Kept only to stay alive: the process callback runs while this exists.
    _client: AsyncClient<AudioNotifications, AudioProcess>,
}

impl JackAudio {
    /// Opens flam's audio client on the running server without activating it.
    pub fn probe() -> Result<JackAudio, OutputError> {
        connect(CLIENT).map(|client| JackAudio { client })
    }

    /// The server's sample rate.
    pub fn sample_rate(&self) -> u32 {
        self.client.sample_rate()
    }

    /// The server's period in frames.
    pub fn period(&self) -> u32 {
        self.client.buffer_size()
    }

    /// Registers the two ports, starts `callback` in JACK's process thread and connects the
    /// ports to `system:playback_1` and `_2` when those exist. Returns the running client and
    /// where the ports go, for the "playing to …" line.
    pub fn start(
        self,
        callback: SynthCallback,
        meters: &Arc<SynthMeters>,
    ) -> Result<(RunningJackAudio, String), OutputError> {
        let refused = |what: String| OutputError::new(OutputErrorKind::Refused, what);
        let mut ports = Vec::with_capacity(2);
        for name in PORTS {
            ports.push(
                self.client
                    .register_port(name, AudioOut::default())
                    .map_err(|e| refused(format!("JACK refused the port `{name}`: {e}")))?,
            );
        }
        let names: Vec<String> = ports.iter().filter_map(|p| p.name().ok()).collect();
        let ports: [jack::Port<AudioOut>; 2] = ports
            .try_into()
            .map_err(|_| refused("JACK gave the wrong number of ports".into()))?;
        let process = AudioProcess { callback, ports };
        let notifications = AudioNotifications {
            meters: meters.clone(),
        };
        let active = self
            .client
            .activate_async(notifications, process)
            .map_err(|e| refused(format!("JACK would not start the client: {e}")))?;
        let client = active.as_client();
        let playback = client.ports(
            Some("^system:playback_"),
            None,
            PortFlags::IS_INPUT | PortFlags::IS_PHYSICAL,
        );
        // A missing or refused system port leaves flam's port free for the user to connect.
        for (ours, theirs) in names.iter().zip(&playback) {
            let _ = client.connect_ports_by_name(ours, theirs);
        }
        let description = names
            .iter()
            .map(|ours| {
                let to = client
                    .port_by_name(ours)
                    .map(|p| p.get_connections())
                    .unwrap_or_default();
                if to.is_empty() {
                    format!("{ours} (unconnected)")
                } else {
                    format!("{ours} → {}", to.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        Ok((RunningJackAudio { _client: active }, description))
    }
}
