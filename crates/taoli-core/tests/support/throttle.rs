//! A slow link for tests and benchmarks: a TCP proxy on 127.0.0.1 that
//! passes every connection on to a target (the reference upstream) and
//! paces the bytes in each direction to a rate, with a token bucket per
//! direction shared by all connections (one line, as a school's). It counts
//! the bytes each way and the HTTP requests that went through (method and
//! path, read from the request heads and their `Content-Length`).
//! Plain std::net, a thread per connection and direction.
//! Included by `#[path]` from the benchmarks and tests that need it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// 256 kbit/s: what a village school's line gives.
pub const KBIT_256: u64 = 256_000 / 8;

/// At most this many bytes go at once: the bucket's depth, and the piece
/// a copy reads and paces.
const PIECE: usize = 1024;

/// Tokens (bytes) refilled at `rate` a second up to [`PIECE`]; a sender
/// takes what it sends and, when that runs the bucket into debt, waits
/// until the debt is paid. Shared by a direction's connections.
struct Bucket {
    rate: f64,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn new(bytes_per_second: u64) -> Bucket {
        Bucket {
            rate: bytes_per_second as f64,
            tokens: PIECE as f64,
            at: Instant::now(),
        }
    }

    /// Takes `n` bytes' worth; how long to wait before sending them.
    fn take(&mut self, n: usize) -> Duration {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(PIECE as f64) - n as f64;
        self.at = now;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.rate)
        }
    }
}

/// What went through, so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Bytes from the client to the upstream.
    pub up: u64,
    /// Bytes from the upstream to the client.
    pub down: u64,
    pub connections: u64,
    /// Each request's method and path, in order of arrival.
    pub requests: Vec<String>,
}

#[derive(Default)]
struct Counters {
    up: AtomicU64,
    down: AtomicU64,
    connections: AtomicU64,
    requests: Mutex<Vec<String>>,
}

/// The proxy, serving until dropped.
pub struct Throttle {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    counters: Arc<Counters>,
    accept: Option<JoinHandle<()>>,
}

impl Throttle {
    /// Listens on a free port of 127.0.0.1 and passes each connection on
    /// to `target`, at `bytes_per_second` each way.
    pub fn start(target: SocketAddr, bytes_per_second: u64) -> Throttle {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(Counters::default());
        let up = Arc::new(Mutex::new(Bucket::new(bytes_per_second)));
        let down = Arc::new(Mutex::new(Bucket::new(bytes_per_second)));
        let accept = {
            let stop = stop.clone();
            let counters = counters.clone();
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(client) = client else { continue };
                    let Ok(server) = TcpStream::connect(target) else {
                        continue;
                    };
                    counters.connections.fetch_add(1, Ordering::SeqCst);
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    let (c, s) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                    let (up, down) = (up.clone(), down.clone());
                    let (up_counters, down_counters) = (counters.clone(), counters.clone());
                    std::thread::spawn(move || {
                        let mut heads = RequestHeads::default();
                        pump(c, s, &up, |bytes| {
                            up_counters
                                .up
                                .fetch_add(bytes.len() as u64, Ordering::SeqCst);
                            for request in heads.feed(bytes) {
                                up_counters.requests.lock().unwrap().push(request);
                            }
                        });
                    });
                    std::thread::spawn(move || {
                        pump(server, client, &down, |bytes| {
                            down_counters
                                .down
                                .fetch_add(bytes.len() as u64, Ordering::SeqCst);
                        });
                    });
                }
            })
        };
        Throttle {
            addr,
            stop,
            counters,
            accept: Some(accept),
        }
    }

    /// `http://ADDR` of the proxy.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What went through since the start (or the last [`Throttle::reset`]).
    pub fn traffic(&self) -> Traffic {
        Traffic {
            up: self.counters.up.load(Ordering::SeqCst),
            down: self.counters.down.load(Ordering::SeqCst),
            connections: self.counters.connections.load(Ordering::SeqCst),
            requests: self.counters.requests.lock().unwrap().clone(),
        }
    }

    /// Starts counting again from zero.
    pub fn reset(&self) {
        self.counters.up.store(0, Ordering::SeqCst);
        self.counters.down.store(0, Ordering::SeqCst);
        self.counters.connections.store(0, Ordering::SeqCst);
        self.counters.requests.lock().unwrap().clear();
    }
}

impl Drop for Throttle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the stop.
        let _ = TcpStream::connect(self.addr);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// Copies `from` to `to`, each piece paced by `bucket` and seen by `seen`
/// before it goes; at the end of `from`, ends `to`'s writing half.
fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    bucket: &Mutex<Bucket>,
    mut seen: impl FnMut(&[u8]),
) {
    let mut buf = [0u8; PIECE];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let wait = bucket.lock().unwrap().take(n);
        std::thread::sleep(wait);
        seen(&buf[..n]);
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

/// Finds the requests in a connection's bytes to the upstream: each head
/// (up to the blank line) names the method and path and, in
/// `Content-Length`, how many body bytes follow before the next head.
#[derive(Default)]
struct RequestHeads {
    head: Vec<u8>,
    body_left: u64,
}

impl RequestHeads {
    /// The requests whose heads end in `bytes`.
    fn feed(&mut self, mut bytes: &[u8]) -> Vec<String> {
        let mut found = Vec::new();
        while !bytes.is_empty() {
            if self.body_left > 0 {
                let skip = bytes
                    .len()
                    .min(usize::try_from(self.body_left).unwrap_or(usize::MAX));
                self.body_left -= skip as u64;
                bytes = &bytes[skip..];
                continue;
            }
            let before = self.head.len();
            self.head.extend_from_slice(bytes);
            let Some(end) = self.head.windows(4).position(|w| w == b"\r\n\r\n") else {
                return found;
            };
            // What came after the head belongs to the body and the next request.
            let used = end + 4 - before;
            bytes = &bytes[used..];
            let head = String::from_utf8_lossy(&self.head[..end]).into_owned();
            self.head.clear();
            let mut lines = head.lines();
            let line = lines.next().unwrap_or_default();
            let mut words = line.split_whitespace();
            let method = words.next().unwrap_or_default();
            let path = words.next().unwrap_or_default();
            let path = path.split('?').next().unwrap_or_default();
            found.push(format!("{method} {path}"));
            self.body_left = lines
                .filter_map(|l| l.split_once(':'))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.trim().parse().ok())
                .unwrap_or(0);
        }
        found
    }
}
