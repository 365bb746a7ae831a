//! JACK notifications that matter while playing: the server going away, or the port flam
//! sends to being disconnected.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use jack::{Client, ClientStatus, NotificationHandler, PortId};

/// Raises `gone` when the server shuts the client down or flam's port loses the connection
/// it was asked to make.
pub struct Notifications {
    /// Raised when the output stops working.
    pub gone: Arc<AtomicBool>,
    /// flam's port's full name.
    pub ours: String,
    /// The port flam was asked to connect to, if any.
    pub target: Option<String>,
}

impl NotificationHandler for Notifications {
    unsafe fn shutdown(&mut self, _status: ClientStatus, _reason: &str) {
        self.gone.store(true, Ordering::Release);
    }

    fn ports_connected(&mut self, client: &Client, a: PortId, b: PortId, connected: bool) {
        let Some(target) = &self.target else {
            return;
        };
        if connected {
            return;
        }
        let name = |id| client.port_by_id(id).and_then(|p| p.name().ok());
        let (a, b) = (name(a), name(b));
        let involves = |n: &Option<String>, s: &str| n.as_deref() == Some(s);
        if (involves(&a, &self.ours) && involves(&b, target))
            || (involves(&b, &self.ours) && involves(&a, target))
        {
            self.gone.store(true, Ordering::Release);
        }
    }
}
