/// The dictionary of a segment being built: dictionary key (field number byte + term bytes)
/// → dense term id, like Lucene's `BytesRefHash`. Keys live back to back in one byte slab;
/// the table is open addressing with linear probing over 16-byte slots that hold the key's
/// hash, its id and its *prefix* (first 7 bytes and length): a key of at most 7 bytes (a
/// CJK bigram is 1 + 6) is compared in the slot alone, so a lookup costs one cache miss, not
/// three. A lookup of a known term allocates nothing; a new term appends to the slab.
struct TermTable {
    private struct Slot {
        /// `Slot.prefix(field:term:)`; never 0 for a used slot (the length byte is ≥ 1).
        var prefix: UInt64 = 0
        var hash: UInt32 = 0
        var id: UInt32 = 0
    }

    private var slots: [Slot]
    private var mask: Int
    /// Per id: the key's slab offset << 16 | its length.
    private var keys: [UInt64] = []
    private var slab: [UInt8] = []

    init(capacity: Int = 1 << 12) {
        var size = 16
        while size < capacity { size *= 2 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
    }

    /// Number of distinct keys.
    var count: Int { keys.count }

    /// The id of key `field` + `term`, adding it if new.
    /// - Returns: the id and whether the key was added by this call.
    @inline(__always)
    mutating func id(field: UInt8, term: UnsafeBufferPointer<UInt8>) -> (id: Int, isNew: Bool) {
        let hash = Self.hash(field: field, term: term)
        let prefix = Self.prefix(field: field, term: term)
        var index = Int(hash) & mask
        while true {
            let slot = slots[index]
            if slot.prefix == 0 { break }
            if slot.hash == hash && slot.prefix == prefix && (term.count < 7 || matches(Int(slot.id), term: term)) {
                return (Int(slot.id), false)
            }
            index = (index + 1) & mask
        }
        let id = keys.count
        precondition(term.count < Int(UInt16.max), "term too long")
        precondition(id < Int(UInt32.max), "too many terms")
        slots[index] = Slot(prefix: prefix, hash: hash, id: UInt32(id))
        keys.append(UInt64(slab.count) << 16 | UInt64(term.count + 1))
        slab.append(field)
        slab.append(contentsOf: term)
        if keys.count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// The key's first 7 bytes (little-endian, zero-padded) and its length (capped at 255)
    /// in the top byte.
    @inline(__always)
    private static func prefix(field: UInt8, term: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var prefix = UInt64(field)
        for index in 0..<min(term.count, 6) { prefix |= UInt64(term[index]) << (8 * (index + 1)) }
        return prefix | UInt64(min(term.count + 1, 255)) << 56
    }

    /// Calls `body` with the key (field byte + term bytes) of term `id`.
    func withKey<R>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let (start, length) = key(id)
        return try slab.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<start + length])) }
    }

    /// Term ids in unsigned byte order of their keys (memcmp, then the shorter first): the
    /// order of the term dictionary.
    func sortedIDs() -> [Int32] {
        slab.withUnsafeBufferPointer { slab in
            let base = slab.baseAddress!
            // Sort by the first 8 key bytes as a big-endian integer (which orders like memcmp),
            // comparing whole keys only on a tie: most keys differ in their first 8 bytes.
            var order: [(head: UInt64, id: Int32)] = (0..<count).map { id in
                let (start, length) = key(id)
                var head: UInt64 = 0
                for index in 0..<8 { head = head << 8 | UInt64(index < length ? base[start + index] : 0) }
                return (head, Int32(id))
            }
            order.sort { a, b in
                if a.head != b.head { return a.head < b.head }
                let (aStart, aLength) = key(Int(a.id))
                let (bStart, bLength) = key(Int(b.id))
                let compared = memcmp(base + aStart, base + bStart, min(aLength, bLength))
                return compared != 0 ? compared < 0 : aLength < bLength
            }
            return order.map(\.id)
        }
    }

    /// Whether term `id`'s bytes equal `term` (the field byte and length are known to match).
    @inline(__always)
    private func matches(_ id: Int, term: UnsafeBufferPointer<UInt8>) -> Bool {
        let (start, length) = key(id)
        guard length == term.count + 1 else { return false }
        return slab.withUnsafeBufferPointer { slab in
            memcmp(slab.baseAddress! + start + 1, term.baseAddress!, term.count) == 0
        }
    }

    @inline(__always)
    private func key(_ id: Int) -> (start: Int, length: Int) {
        let entry = keys[id]
        return (Int(truncatingIfNeeded: entry >> 16), Int(truncatingIfNeeded: entry & 0xFFFF))
    }

    private mutating func grow() {
        let size = slots.count * 2
        var grown = [Slot](repeating: Slot(), count: size)
        let newMask = size - 1
        for slot in slots where slot.prefix != 0 {
            var index = Int(slot.hash) & newMask
            while grown[index].prefix != 0 { index = (index + 1) & newMask }
            grown[index] = slot
        }
        slots = grown
        mask = newMask
    }

    /// FNV-1a over the field byte and the term, then a final avalanche (the table uses low bits).
    @inline(__always)
    static func hash(field: UInt8, term: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        hash = (hash ^ UInt64(field)) &* 0x100_0000_01b3
        for byte in term { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return UInt32(truncatingIfNeeded: hash)
    }
}

#if canImport(Glibc)
import Glibc
#endif
