//! JACK notifications the built-in synth cares about: xruns and the server going away.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use jack::{Client, ClientStatus, Control, NotificationHandler};

use crate::output::synth_meters::SynthMeters;

/// Counts xruns and raises `gone` when the server shuts the client down.
pub struct AudioNotifications {
    /// The synth's meters, shared with the sink and the status line.
    pub meters: Arc<SynthMeters>,
}

impl NotificationHandler for AudioNotifications {
    unsafe fn shutdown(&mut self, _status: ClientStatus, _reason: &str) {
        self.meters.gone.store(true, Ordering::Release);
    }

    fn xrun(&mut self, _: &Client) -> Control {
        self.meters.xruns.fetch_add(1, Ordering::Relaxed);
        Control::Continue
    }
}
