//! The virtual clock: real time plus an offset that only moves forward.

use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A shared clock; clones see the same offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The current virtual time.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset()
    }

    /// How far the virtual clock runs ahead of real time.
    pub fn offset(&self) -> Duration {
        Duration::milliseconds(self.offset_ms.load(Ordering::SeqCst))
    }

    /// Moves the clock forward; negative amounts are ignored.
    pub fn advance(&self, by: Duration) {
        let ms = by.num_milliseconds().max(0);
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }

    /// Moves the clock forward until it reads `at` (rounded up to the next millisecond); a time
    /// the clock has already passed leaves it alone.
    pub fn advance_to(&self, at: DateTime<Utc>) {
        let _ = self
            .offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |current| {
                let wanted = at - Utc::now();
                let mut ms = wanted.num_milliseconds();
                if Duration::milliseconds(ms) < wanted {
                    ms += 1;
                }
                (ms > current).then_some(ms)
            });
    }

    /// Puts the clock `offset` ahead of real time, whatever it read before (restoring a saved
    /// state); a negative offset counts as zero.
    pub fn set_offset(&self, offset: Duration) {
        let ms = offset.num_milliseconds().max(0);
        self.offset_ms.store(ms, Ordering::SeqCst);
    }

    /// Returns the clock to real time.
    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_all_clones_forward_and_reset_returns() {
        let clock = Clock::default();
        let other = clock.clone();
        let before = other.now();
        clock.advance(Duration::seconds(3600));
        assert!(other.now() - before >= Duration::seconds(3600));
        clock.advance(Duration::seconds(-50));
        assert_eq!(clock.offset(), Duration::seconds(3600));
        clock.reset();
        assert_eq!(other.offset(), Duration::zero());
    }

    #[test]
    fn set_offset_replaces_the_offset() {
        let clock = Clock::default();
        clock.advance(Duration::seconds(10));
        clock.set_offset(Duration::milliseconds(2500));
        assert_eq!(clock.clone().offset(), Duration::milliseconds(2500));
        clock.set_offset(Duration::seconds(-5));
        assert_eq!(clock.offset(), Duration::zero());
    }

    #[test]
    fn advance_to_reaches_the_time_and_never_goes_back() {
        let clock = Clock::default();
        let target = Utc::now() + Duration::seconds(900) + Duration::microseconds(1500);
        clock.advance_to(target);
        assert!(clock.now() >= target);
        assert!(clock.now() - target < Duration::seconds(1));
        let offset = clock.offset();
        clock.advance_to(target - Duration::seconds(60));
        assert_eq!(clock.offset(), offset);
    }
}
