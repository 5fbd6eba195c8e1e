import Synchronization

/// Inflated stored-field blocks shared by every query, bounded in bytes, least recently used
/// out first.
///
/// A hit whose text is needed (`fields=`, snippets) reads its document from a zlib block of
/// 16–64 KiB; ten hits of one query, or the same hits of the next query, often share blocks.
/// Each block is inflated once while it stays in the cache instead of once per hit.
/// Entries are keyed by the reader's serial number (never reused, unlike an object
/// address) and the block number; a closed reader's entries age out like any other.
public final class StoredBlockCache: Sendable {
    /// The cache every `StoredFieldsReader` uses.
    public static let shared = StoredBlockCache(capacityBytes: 16 << 20)

    struct Key: Hashable {
        var reader: UInt64
        var block: Int
    }

    private struct State {
        var entries: [Key: (bytes: [UInt8], lastUse: UInt64)] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    /// Most bytes of inflated blocks held at once.
    public let capacityBytes: Int
    private let state = Mutex(State())

    /// - Parameter capacityBytes: most bytes held; a block larger than that is never cached.
    public init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    /// The block `block` of reader `reader`, from the cache or from `inflate` (called outside
    /// the lock; two queries missing the same block at once may both inflate it).
    func block(reader: UInt64, block: Int, inflate: () throws -> [UInt8]) rethrows -> [UInt8] {
        let key = Key(reader: reader, block: block)
        let cached: [UInt8]? = state.withLock { state in
            state.clock += 1
            guard let entry = state.entries[key] else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            state.entries[key]?.lastUse = state.clock
            return entry.bytes
        }
        if let cached { return cached }
        let bytes = try inflate()
        guard bytes.count <= capacityBytes else { return bytes }
        state.withLock { state in
            state.clock += 1
            if let old = state.entries.updateValue((bytes, state.clock), forKey: key) { state.bytes -= old.bytes.count }
            state.bytes += bytes.count
            // Evict the least recently used until within budget: O(entries) per eviction, a
            // few thousand at most, small beside the inflation that caused it.
            while state.bytes > capacityBytes,
                let victim = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })
            {
                state.bytes -= victim.value.bytes.count
                state.entries[victim.key] = nil
            }
        }
        return bytes
    }

    /// Hits, misses and bytes held, for statistics and tests.
    public var statistics: (hits: Int, misses: Int, bytes: Int) {
        state.withLock { ($0.hits, $0.misses, $0.bytes) }
    }
}
