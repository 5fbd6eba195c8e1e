/// Which documents of a segment are deleted: one bit per document ID.
///
/// A value type: `SouIndex` copies it, deletes into the copy and writes the result as a new
/// deletions file (`encode()`), while readers keep using the old one. Layout (docs/FORMAT.md §8):
///
///     body := documentCount: u32  deletedCount: u32  word: u64[ceil(documentCount / 64)]
///
/// Document `d` is bit `d % 64` (least significant first) of word `d / 64`; bits past
/// `documentCount` are zero.
public struct DeletionBitmap: Sendable, Equatable {
    /// Number of documents the bitmap covers (IDs `0..<documentCount`).
    public let documentCount: Int
    /// Number of set bits.
    public private(set) var deletedCount: Int
    private var words: [UInt64]

    /// A bitmap with no document deleted.
    /// - Parameter documentCount: 0 … `UInt32.max`.
    public init(documentCount: Int) {
        precondition(documentCount >= 0 && documentCount <= Int(UInt32.max), "documentCount out of range")
        self.documentCount = documentCount
        self.deletedCount = 0
        self.words = Array(repeating: 0, count: (documentCount + 63) / 64)
    }

    /// Reads and checks a deletions file.
    ///
    /// - Throws: `FormatError` if magic, version or checksum do not match, the body size does not
    ///   fit `documentCount`, bits past `documentCount` are set, or the number of set bits is
    ///   not `deletedCount`.
    public init(file: MappedFile) throws {
        try self.init(bytes: file.bytes, file: file.name)
    }

    /// Reads and checks a deletions file image (as `encode()` returns it).
    ///
    /// - Parameters:
    ///   - bytes: the whole framed file.
    ///   - file: the name used in errors.
    /// - Throws: as `init(file:)`.
    public init(bytes: UnsafeRawBufferPointer, file: String) throws {
        let (range, _) = try FileFraming.verify(bytes, kind: .deletions, file: file)
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[range]), file: file)
        let documentCount = Int(try reader.readUInt32())
        let deletedCount = Int(try reader.readUInt32())
        let wordCount = (documentCount + 63) / 64
        guard reader.remaining == wordCount * 8 else {
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
        self.documentCount = documentCount
        self.deletedCount = deletedCount
        self.words = words
    }

    /// Whether `doc` is deleted; `false` for IDs past `documentCount`. Hot path: no allocation.
    @inline(__always)
    public func isDeleted(_ doc: UInt32) -> Bool {
        let doc = Int(doc)
        guard doc < documentCount else { return false }
        return words[doc >> 6] & (1 << UInt64(doc & 63)) != 0
    }

    /// Marks `doc` deleted.
    ///
    /// - Returns: `true` if it was live before; `false` if it was already deleted or is out of
    ///   range (`doc >= documentCount`).
    @discardableResult
    public mutating func delete(_ doc: UInt32) -> Bool {
        let doc = Int(doc)
        guard doc < documentCount else { return false }
        let mask: UInt64 = 1 << UInt64(doc & 63)
        guard words[doc >> 6] & mask == 0 else { return false }
        words[doc >> 6] |= mask
        deletedCount += 1
        return true
    }

    /// The complete framed deletions file (kind `.deletions`).
    public func encode() -> [UInt8] {
        var out = ByteWriter(capacity: 8 + words.count * 8)
        out.write(UInt32(documentCount))
        out.write(UInt32(deletedCount))
        for word in words { out.write(word) }
        return FileFraming.frame(out.bytes, kind: .deletions)
    }
}
