//! A JACK client that plays what a test queues (keys, buttons, faders) at the start of the
//! next cycle, and tells the test the frame each message went out on.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jack::{
    AsyncClient, Client, ClientOptions, Control, MidiOut, Port, ProcessHandler, ProcessScope,
    RawMidi,
};

/// Messages the test queues, each with the frame it went out on once sent.
type Queue = Arc<Mutex<Vec<(Vec<u8>, Option<u32>)>>>;

struct Player {
    port: Port<MidiOut>,
    queue: Queue,
}

impl ProcessHandler for Player {
    fn process(&mut self, _: &Client, ps: &ProcessScope) -> Control {
        let start = ps.last_frame_time();
        let mut writer = self.port.writer(ps);
        // A test client: a lock here is fine (the real-time rules are flam's, not the test's).
        if let Ok(mut queue) = self.queue.try_lock() {
            for (bytes, sent) in queue.iter_mut().filter(|(_, sent)| sent.is_none()) {
                let _ = writer.write(&RawMidi { time: 0, bytes });
                *sent = Some(start);
            }
        }
        Control::Continue
    }
}

/// The client `NAME` with its port `NAME:out`.
pub struct QueueClient {
    client: AsyncClient<(), Player>,
    queue: Queue,
}

impl QueueClient {
    pub fn new(name: &str) -> QueueClient {
        let (client, _) = Client::new(name, ClientOptions::NO_START_SERVER).expect("client");
        let port = client
            .register_port("out", MidiOut::default())
            .expect("port");
        let queue: Queue = Arc::new(Mutex::new(Vec::new()));
        let client = client
            .activate_async(
                (),
                Player {
                    port,
                    queue: queue.clone(),
                },
            )
            .expect("activate");
        QueueClient { client, queue }
    }

    /// Sends `bytes` (one message or several) and waits until they went out; their frame.
    pub fn send(&self, bytes: &[u8]) -> u32 {
        self.queue.lock().unwrap().push((bytes.to_vec(), None));
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(frame) = self.queue.lock().unwrap().last().and_then(|q| q.1) {
                return frame;
            }
            assert!(Instant::now() < deadline, "the message never went out");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Waits until `port` listens to this client's `out` (or fails after `within`).
    pub fn wait_until_heard_by(&self, port: &str, within: Duration) {
        let deadline = Instant::now() + within;
        let name = format!("{}:out", self.client.as_client().name());
        while !self
            .client
            .as_client()
            .port_by_name(&name)
            .is_some_and(|p| p.get_connections().iter().any(|c| c == port))
        {
            assert!(Instant::now() < deadline, "{port} never listened to {name}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
