//! Waiting between upload attempts: exponential backoff with jitter, so a
//! county's schools that lost the link together do not all come back at
//! the same instant.

use std::time::Duration;

use super::http::Failure;

/// How often and how long to wait between attempts of one sync pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first wait (before jitter).
    pub initial: Duration,
    /// No wait is longer than this.
    pub max: Duration,
    /// Attempts in one pass, the first included; after the last failure the
    /// batch waits in the outbox for the next sync.
    pub attempts: u32,
}

impl Default for Backoff {
    /// 0.5 s, 1 s, 2 s, 4 s … at most 30 s, six attempts: about a minute of
    /// trying before a pass gives up.
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(30),
            attempts: 6,
        }
    }
}

impl Backoff {
    /// The wait after failed attempt `n` (0 for the first failure): the
    /// exponential step `initial × 2ⁿ` (at most `max`), of which a random
    /// half ("equal jitter"): between half the step and the whole step.
    pub fn delay(&self, n: u32) -> Duration {
        let step = self
            .initial
            .saturating_mul(2u32.saturating_pow(n.min(30)))
            .min(self.max);
        let half = step.checked_div(2).unwrap_or_default();
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return step;
        }
        let jitter = random_u64()
            .checked_rem(nanos.saturating_add(1))
            .unwrap_or(0);
        half.saturating_add(Duration::from_nanos(jitter))
    }
}

impl Backoff {
    /// The wait before the next attempt after failed attempt `n`: the
    /// backoff's, or longer when the upstream asked for longer
    /// (`Retry-After`). None when it asked for more than this backoff ever
    /// waits ([`Backoff::max`]): the pass ends, and the next one comes after
    /// the wait (the client sends nothing to the upstream before then).
    pub(crate) fn wait_after(&self, n: u32, failure: &Failure) -> Option<Duration> {
        let step = self.delay(n);
        match failure.retry_after() {
            Some(asked) if asked > self.max => None,
            Some(asked) => Some(step.max(asked)),
            None => Some(step),
        }
    }
}

fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    // Without randomness the wait is the whole step: still bounded.
    let _ = getrandom::fill(&mut bytes);
    u64::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_wait_lies_between_half_the_step_and_the_step() {
        let backoff = Backoff::default();
        for n in 0..10 {
            let step = (Duration::from_millis(500) * 2u32.pow(n)).min(Duration::from_secs(30));
            for _ in 0..50 {
                let wait = backoff.delay(n);
                assert!(wait >= step / 2 && wait <= step, "{n}: {wait:?}");
            }
        }
    }

    #[test]
    fn waits_stop_growing_at_the_maximum() {
        let backoff = Backoff::default();
        assert!(backoff.delay(40) <= Duration::from_secs(30));
        assert!(backoff.delay(u32::MAX) <= Duration::from_secs(30));
    }

    #[test]
    fn jitter_spreads_the_waits() {
        let backoff = Backoff::default();
        let waits: std::collections::HashSet<Duration> =
            (0..20).map(|_| backoff.delay(3)).collect();
        assert!(waits.len() > 1);
    }
}
