//! The bounded store of journal entries.

use super::entry::Entry;
use super::filter::Filter;
use parking_lot::Mutex;
use serde::Serialize;
use std::collections::VecDeque;

/// A ring of at most `capacity` entries: recording into a full ring drops the oldest entry
/// and counts it. The lock is held only to push, read or clear.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    ring: Mutex<Ring>,
}

#[derive(Debug, Default)]
struct Ring {
    /// Oldest first.
    entries: VecDeque<Entry>,
    /// The number the next entry gets.
    next_seq: u64,
    /// Entries dropped since the journal was last emptied.
    dropped: u64,
}

/// What `GET {root}/_facesim/journal` answers.
#[derive(Debug, Serialize)]
pub struct Page {
    /// How many entries the journal keeps.
    pub capacity: usize,
    /// How many entries were dropped to make room since the journal was last emptied.
    pub dropped: u64,
    /// The matching entries, newest first.
    pub entries: Vec<Entry>,
}

impl Journal {
    /// An empty journal keeping at most `capacity` entries; 0 keeps none.
    pub fn new(capacity: usize) -> Journal {
        Journal {
            capacity,
            ring: Mutex::new(Ring {
                next_seq: 1,
                ..Ring::default()
            }),
        }
    }

    /// How many entries are kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Whether requests are recorded at all.
    pub fn is_enabled(&self) -> bool {
        self.capacity > 0
    }

    /// Records `entry` under the next sequence number (its own `seq` is replaced), dropping
    /// the oldest entry when the ring is full; answers the number given.
    pub fn record(&self, mut entry: Entry) -> Option<u64> {
        if !self.is_enabled() {
            return None;
        }
        let mut ring = self.ring.lock();
        entry.seq = ring.next_seq;
        ring.next_seq += 1;
        if ring.entries.len() >= self.capacity {
            ring.entries.pop_front();
            ring.dropped += 1;
        }
        ring.entries.push_back(entry);
        Some(ring.next_seq - 1)
    }

    /// Forgets the entries of one namespace; the dropped count stays.
    pub fn forget_namespace(&self, namespace: &str) {
        self.ring
            .lock()
            .entries
            .retain(|entry| entry.namespace != namespace);
    }

    /// Forgets every entry and the dropped count; sequence numbers keep counting up.
    pub fn clear(&self) {
        let mut ring = self.ring.lock();
        ring.entries = VecDeque::new();
        ring.dropped = 0;
    }

    /// How many entries are kept now.
    pub fn len(&self) -> usize {
        self.ring.lock().entries.len()
    }

    /// Whether no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// At most `limit` entries matching `filter`, newest first.
    pub fn page(&self, filter: &Filter, limit: usize) -> Page {
        let ring = self.ring.lock();
        let entries = ring
            .entries
            .iter()
            .rev()
            .filter(|entry| filter.matches(entry))
            .take(limit)
            .cloned()
            .collect();
        Page {
            capacity: self.capacity,
            dropped: ring.dropped,
            entries,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::journal::Api;
    use chrono::{DateTime, Utc};

    /// An entry for `GET path` answered with `status` at `time`.
    pub(crate) fn entry(path: &str, status: u16, time: &str) -> Entry {
        let time: DateTime<Utc> = DateTime::parse_from_rfc3339(time).unwrap().into();
        Entry {
            seq: 0,
            time,
            virtual_time: time,
            method: "GET".into(),
            path: path.into(),
            query: None,
            api: Api::of_path(path).unwrap(),
            namespace: "default".into(),
            request_content_type: None,
            request_body_bytes: 0,
            status,
            latency_ms: 0.5,
            response_content_type: Some("application/json".into()),
            error_code: None,
        }
    }

    fn seqs(page: &Page) -> Vec<u64> {
        page.entries.iter().map(|e| e.seq).collect()
    }

    #[test]
    fn a_full_ring_drops_the_oldest_and_counts_it() {
        let journal = Journal::new(3);
        for i in 0..5 {
            let seq = journal.record(entry(&format!("/x/{i}"), 200, "2024-01-01T00:00:00Z"));
            assert_eq!(seq, Some(i + 1));
        }
        let page = journal.page(&Filter::default(), 10);
        assert_eq!(page.capacity, 3);
        assert_eq!(page.dropped, 2);
        assert_eq!(seqs(&page), [5, 4, 3], "newest first");
        assert_eq!(page.entries[0].path, "/x/4");
        assert_eq!(seqs(&journal.page(&Filter::default(), 2)), [5, 4]);
    }

    #[test]
    fn clearing_empties_but_never_reuses_numbers() {
        let journal = Journal::new(2);
        for _ in 0..3 {
            journal.record(entry("/a", 200, "2024-01-01T00:00:00Z"));
        }
        journal.clear();
        assert!(journal.is_empty());
        let page = journal.page(&Filter::default(), 10);
        assert_eq!((page.dropped, page.entries.len()), (0, 0));
        journal.record(entry("/a", 200, "2024-01-01T00:00:00Z"));
        assert_eq!(seqs(&journal.page(&Filter::default(), 10)), [4]);
    }

    #[test]
    fn capacity_zero_records_nothing() {
        let journal = Journal::new(0);
        assert!(!journal.is_enabled());
        assert_eq!(
            journal.record(entry("/a", 200, "2024-01-01T00:00:00Z")),
            None
        );
        let page = journal.page(&Filter::default(), 10);
        assert_eq!((page.capacity, page.dropped, page.entries.len()), (0, 0, 0));
    }

    #[test]
    fn pages_filter_before_the_limit() {
        let journal = Journal::new(10);
        for status in [200, 404, 200, 404, 500] {
            journal.record(entry("/checkout/a", status, "2024-01-01T00:00:00Z"));
        }
        let filter = Filter {
            status: Some("404".parse().unwrap()),
            ..Filter::default()
        };
        assert_eq!(seqs(&journal.page(&filter, 10)), [4, 2]);
        assert_eq!(seqs(&journal.page(&filter, 1)), [4]);
    }
}
