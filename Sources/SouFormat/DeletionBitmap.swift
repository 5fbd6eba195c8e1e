/// Which documents of a segment are deleted: one bit per document ID, and what the deleted
/// documents contributed to the segment's field statistics.
///
/// A value type: `SouIndex` copies it, deletes into the copy and writes the result as a new
/// deletions file (`encode()`), while readers keep using the old one. Layout (docs/FORMAT.md §8):
///
///     body := documentCount: u32  deletedCount: u32  word: u64[ceil(documentCount / 64)]
///             fieldCount: u32  { totalLength: u64  documentCount: u32 }{fieldCount}   // version 2
///
/// Document `d` is bit `d % 64` (least significant first) of word `d / 64`; bits past
/// `documentCount` are zero. The statistics let a snapshot know its live documents' field
/// lengths in O(fields) (the segment's `.meta` totals minus these) instead of a pass over the
/// norms of every deleted document at each open and each commit.
public struct DeletionBitmap: Sendable, Equatable {
    /// Number of documents the bitmap covers (IDs `0..<documentCount`).
    public let documentCount: Int
    /// Number of set bits.
    public private(set) var deletedCount: Int
    private var words: [UInt64]
    /// Per field number, the summed lengths of the deleted documents and how many of them
    /// have the field (fields past the end: none). nil when not known: read from a version 1
    /// file, or changed by `delete(_:)` without norms; `countDeletedStatistics(norms:)`
    /// computes it then.
    public private(set) var deletedStatistics: [FieldStatistics]?

    /// A bitmap with no document deleted.
    /// - Parameter documentCount: 0 … `UInt32.max`.
    public init(documentCount: Int) {
        precondition(documentCount >= 0 && documentCount <= Int(UInt32.max), "documentCount out of range")
        self.documentCount = documentCount
        self.deletedCount = 0
        self.words = Array(repeating: 0, count: (documentCount + 63) / 64)
        self.deletedStatistics = []
    }

    /// Reads and checks a deletions file.
    ///
    /// - Throws: `FormatError` if magic, version or checksum do not match, the body size does not
    ///   fit `documentCount` (and, version 2, `fieldCount`), bits past `documentCount` are set,
    ///   the number of set bits is not `deletedCount`, or a field is held by more deleted
    ///   documents than there are.
    public init(file: MappedFile) throws {
        try self.init(bytes: file.bytes, file: file.name)
    }

    /// Reads and checks a deletions file image (as `encode()` returns it).
    ///
    /// - Parameters:
    ///   - bytes: the whole framed file.
    ///   - file: the name used in errors.
    /// - Throws: as `init(file:)`.
    /// - Complexity: O(documentCount / 64 + fields); the file is small and read whole.
    public init(bytes: UnsafeRawBufferPointer, file: String) throws {
        let (range, version) = try FileFraming.verify(bytes, kind: .deletions, file: file)
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[range]), file: file)
        let documentCount = Int(try reader.readUInt32())
        let deletedCount = Int(try reader.readUInt32())
        let wordCount = (documentCount + 63) / 64
        guard version >= 2 ? reader.remaining >= wordCount * 8 + 4 : reader.remaining == wordCount * 8 else {
            throw FormatError.corrupt(
                file: file,
                reason: "\(reader.remaining) bytes of bits for \(documentCount) documents"
            )
        }
        var words = [UInt64](repeating: 0, count: wordCount)
        var population = 0
        for i in 0..<wordCount {
            words[i] = try reader.readUInt64()
            population += words[i].nonzeroBitCount
        }
        if documentCount % 64 != 0, let last = words.last, last >> UInt64(documentCount % 64) != 0 {
            throw FormatError.corrupt(file: file, reason: "bits set past document \(documentCount - 1)")
        }
        guard population == deletedCount else {
            throw FormatError.corrupt(file: file, reason: "\(population) bits set, deletedCount says \(deletedCount)")
        }
        var statistics: [FieldStatistics]? = nil
        if version >= 2 {
            let fieldCount = Int(try reader.readUInt32())
            guard fieldCount <= Self.maximumFields, reader.remaining == fieldCount * 12 else {
                throw FormatError.corrupt(
                    file: file,
                    reason: "\(reader.remaining) bytes of statistics for \(fieldCount) fields"
                )
            }
            statistics = []
            for field in 0..<fieldCount {
                let entry = FieldStatistics(
                    totalLength: try reader.readUInt64(),
                    documentCount: try reader.readUInt32()
                )
                guard Int(entry.documentCount) <= deletedCount else {
                    throw FormatError.corrupt(
                        file: file,
                        reason: "field \(field) held by \(entry.documentCount) of \(deletedCount) deleted documents"
                    )
                }
                statistics?.append(entry)
            }
        }
        self.documentCount = documentCount
        self.deletedCount = deletedCount
        self.words = words
        self.deletedStatistics = statistics
    }

    /// Two bitmaps are equal when they delete the same documents; the statistics follow from
    /// that (and the segment's norms), known or not.
    public static func == (lhs: DeletionBitmap, rhs: DeletionBitmap) -> Bool {
        lhs.documentCount == rhs.documentCount && lhs.deletedCount == rhs.deletedCount && lhs.words == rhs.words
    }

    /// A segment has at most 255 fields (its `.meta` counts them in a byte) plus the `_id` field.
    static let maximumFields = 256

    /// Whether `doc` is deleted; `false` for IDs past `documentCount`. Hot path: no allocation.
    @inline(__always)
    public func isDeleted(_ doc: UInt32) -> Bool {
        let doc = Int(doc)
        guard doc < documentCount else { return false }
        return words[doc >> 6] & (1 << UInt64(doc & 63)) != 0
    }

    /// Marks `doc` deleted and adds its field lengths (from `norms`, the segment's) to
    /// `deletedStatistics`, if they are known.
    ///
    /// - Returns: `true` if it was live before; `false` if it was already deleted or is out of
    ///   range (`doc >= documentCount`).
    /// - Complexity: O(fields).
    @discardableResult
    public mutating func delete(_ doc: UInt32, norms: FieldNormsReader) -> Bool {
        guard setBit(doc) else { return false }
        if deletedStatistics != nil { Self.add(doc, norms: norms, to: &deletedStatistics!) }
        return true
    }

    /// Marks `doc` deleted without its field lengths: `deletedStatistics` becomes unknown
    /// (nil) until `countDeletedStatistics(norms:)`.
    ///
    /// - Returns: `true` if it was live before; `false` if it was already deleted or is out of
    ///   range (`doc >= documentCount`).
    @discardableResult
    public mutating func delete(_ doc: UInt32) -> Bool {
        guard setBit(doc) else { return false }
        deletedStatistics = nil
        return true
    }

    /// Computes `deletedStatistics` from the deleted documents' lengths in `norms` (the
    /// segment's), for a bitmap that does not know them.
    /// - Complexity: O(documentCount / 64 + deleted × fields), reading the norms of the
    ///   deleted documents only.
    public mutating func countDeletedStatistics(norms: FieldNormsReader) {
        var statistics: [FieldStatistics] = []
        for (index, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                let doc = UInt32(index * 64 + bits.trailingZeroBitCount)
                Self.add(doc, norms: norms, to: &statistics)
                bits &= bits - 1
            }
        }
        deletedStatistics = statistics
    }

    private mutating func setBit(_ doc: UInt32) -> Bool {
        let doc = Int(doc)
        guard doc < documentCount else { return false }
        let mask: UInt64 = 1 << UInt64(doc & 63)
        guard words[doc >> 6] & mask == 0 else { return false }
        words[doc >> 6] |= mask
        deletedCount += 1
        return true
    }

    private static func add(_ doc: UInt32, norms: FieldNormsReader, to statistics: inout [FieldStatistics]) {
        if statistics.count < norms.fieldCount {
            statistics += Array(repeating: FieldStatistics(), count: norms.fieldCount - statistics.count)
        }
        for field in 0..<norms.fieldCount {
            let length = norms.length(doc: doc, field: field)
            guard length > 0 else { continue }
            statistics[field].totalLength += UInt64(length)
            statistics[field].documentCount += 1
        }
    }

    /// The complete framed deletions file (kind `.deletions`): version 2 with the statistics
    /// when they are known, else version 1 (bits only; a reader counts them again).
    public func encode() -> [UInt8] {
        var out = ByteWriter(capacity: 12 + words.count * 8 + (deletedStatistics?.count ?? 0) * 12)
        out.write(UInt32(documentCount))
        out.write(UInt32(deletedCount))
        for word in words { out.write(word) }
        guard let deletedStatistics else { return FileFraming.frame(out.bytes, kind: .deletions, version: 1) }
        out.write(UInt32(deletedStatistics.count))
        for entry in deletedStatistics {
            out.write(entry.totalLength)
            out.write(entry.documentCount)
        }
        return FileFraming.frame(out.bytes, kind: .deletions, version: 2)
    }
}
