/// The dictionary of a segment being built: dictionary key (field number byte + term bytes)
/// → dense term id, like Lucene's `BytesRefHash`. Keys live back to back in one byte slab;
/// the table is open addressing with linear probing over term ids. A lookup of a known term
/// hashes and compares bytes and allocates nothing; a new term appends to the slab.
struct TermTable {
    private var slots: [Int32]
    private var mask: Int
    private var hashes: [UInt32] = []
    private var starts: [UInt32] = []
    private var lengths: [UInt16] = []
    private var slab: [UInt8] = []

    init(capacity: Int = 1 << 12) {
        var size = 16
        while size < capacity { size *= 2 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    /// Number of distinct keys.
    var count: Int { starts.count }

    /// Bytes held by the table (slab, arrays).
    var allocatedBytes: Int { slab.capacity + slots.count * 4 + starts.capacity * 10 }

    /// The id of key `field` + `term`, adding it if new.
    /// - Returns: the id and whether the key was added by this call.
    @inline(__always)
    mutating func id(field: UInt8, term: UnsafeBufferPointer<UInt8>) -> (id: Int, isNew: Bool) {
        let hash = Self.hash(field: field, term: term)
        var index = Int(hash) & mask
        while true {
            let candidate = Int(slots[index])
            if candidate < 0 { break }
            if hashes[candidate] == hash && matches(candidate, field: field, term: term) {
                return (candidate, false)
            }
            index = (index + 1) & mask
        }
        let id = starts.count
        precondition(term.count < Int(UInt16.max), "term too long")
        precondition(slab.count <= Int(UInt32.max) - term.count - 1, "term slab is full (4 GiB)")
        slots[index] = Int32(id)
        hashes.append(hash)
        starts.append(UInt32(slab.count))
        lengths.append(UInt16(term.count + 1))
        slab.append(field)
        slab.append(contentsOf: term)
        if starts.count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// Calls `body` with the key (field byte + term bytes) of term `id`.
    func withKey<R>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let start = Int(starts[id])
        return try slab.withUnsafeBufferPointer {
            try body(UnsafeBufferPointer(rebasing: $0[start..<start + Int(lengths[id])]))
        }
    }

    /// Term ids in unsigned byte order of their keys (memcmp, then the shorter first): the
    /// order of the term dictionary.
    func sortedIDs() -> [Int32] {
        var ids = (0..<Int32(count)).map { $0 }
        slab.withUnsafeBufferPointer { slab in
            let base = slab.baseAddress!
            ids.sort { a, b in
                let aStart = Int(starts[Int(a)])
                let bStart = Int(starts[Int(b)])
                let aLength = Int(lengths[Int(a)])
                let bLength = Int(lengths[Int(b)])
                let order = memcmp(base + aStart, base + bStart, min(aLength, bLength))
                return order != 0 ? order < 0 : aLength < bLength
            }
        }
        return ids
    }

    @inline(__always)
    private func matches(_ id: Int, field: UInt8, term: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Int(lengths[id]) == term.count + 1 else { return false }
        let start = Int(starts[id])
        return slab.withUnsafeBufferPointer { slab in
            guard slab[start] == field else { return false }
            guard let bytes = term.baseAddress else { return true }
            return memcmp(slab.baseAddress! + start + 1, bytes, term.count) == 0
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var grown = [Int32](repeating: -1, count: size)
        let newMask = size - 1
        for id in 0..<starts.count {
            var index = Int(hashes[id]) & newMask
            while grown[index] >= 0 { index = (index + 1) & newMask }
            grown[index] = Int32(id)
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
