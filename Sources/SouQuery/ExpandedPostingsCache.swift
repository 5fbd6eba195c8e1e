import SouAnalysis
import Synchronization

/// ``ExpandedPostings`` shared by every query, bounded in bytes, least recently used out first.
///
/// Keyed by the segment reader's serial number (never reused, unlike an object address),
/// the field and the slot: a segment is immutable, so an entry never goes stale; a merged-away
/// segment's entries age out like any other. Deletions are not part of an entry (each query
/// counts the live documents of a list against its own snapshot).
final class ExpandedPostingsCache: Sendable {
    /// The cache every search uses.
    static let shared = ExpandedPostingsCache(capacityBytes: 64 << 20)

    struct Key: Hashable {
        var reader: UInt64
        var field: UInt8
        var slot: QuerySlot
    }

    private struct State {
        var entries: [Key: (postings: ExpandedPostings, lastUse: UInt64)] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }

    /// Most bytes held at once; a list larger than that is used by its query and not kept.
    let capacityBytes: Int
    private let state = Mutex(State())

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    func postings(_ key: Key) -> ExpandedPostings? {
        state.withLock { state in
            state.clock += 1
            guard let entry = state.entries[key] else { return nil }
            state.entries[key]?.lastUse = state.clock
            return entry.postings
        }
    }

    func insert(_ postings: ExpandedPostings, for key: Key) {
        let size = postings.byteSize
        guard size <= capacityBytes else { return }
        state.withLock { state in
            state.clock += 1
            if let old = state.entries.updateValue((postings, state.clock), forKey: key) {
                state.bytes -= old.postings.byteSize
            }
            state.bytes += size
            // O(entries) per eviction: entries are few (each is a whole expanded slot), and an
            // eviction follows a build that walked far more postings than that.
            while state.bytes > capacityBytes,
                let victim = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })
            {
                state.bytes -= victim.value.postings.byteSize
                state.entries[victim.key] = nil
            }
        }
    }

    /// Entries and bytes held, for tests.
    var statistics: (entries: Int, bytes: Int) {
        state.withLock { ($0.entries.count, $0.bytes) }
    }
}
