/// Reads field lengths from a field-norms file written by `FieldNormsWriter`, in place.
///
/// Layout (docs/FORMAT.md §7): `fieldCount: u32  documentCount: u32  length: u32[fieldCount][documentCount]`.
///
/// Safety of `@unchecked Sendable`: every stored property is a `let`; `lengths` points into
/// `file`'s read-only mapping, which the reader keeps alive. Nothing is mutated after `init`.
public final class FieldNormsReader: @unchecked Sendable {
    /// The mapping the reader reads from; kept alive as long as the reader.
    public let file: MappedFile
    public let fieldCount: Int
    public let documentCount: Int

    private let lengths: UnsafeRawBufferPointer

    /// Opens and checks a field-norms file.
    ///
    /// - Parameters:
    ///   - file: the mapped file.
    ///   - checks: `.full` also verifies the checksum (`verify()`).
    /// - Throws: `FormatError` if magic, version or checksum do not match, or the body is not
    ///   exactly `8 + fieldCount × documentCount × 4` bytes.
    /// - Complexity: O(1) with `.structure` (every lookup is bounds-checked against the
    ///   counts); O(file size) with `.full`.
    public init(file: MappedFile, checks: OpenChecks = .full) throws {
        let name = file.name
        let (range, _) = try FileFraming.verify(file.bytes, kind: .fieldNorms, file: name, checksum: false)
        if checks == .full { try FileFraming.verifyChecksum(of: file) }
        let body = UnsafeRawBufferPointer(rebasing: file.bytes[range])
        var reader = ByteReader(body, file: name)
        let fieldCount = Int(try reader.readUInt32())
        let documentCount = Int(try reader.readUInt32())
        // Both are < 2^32, so their product fits in UInt64; times 4 might not.
        let (size, overflow) = (UInt64(fieldCount) * UInt64(documentCount)).multipliedReportingOverflow(by: 4)
        guard !overflow, UInt64(reader.remaining) == size else {
            throw FormatError.corrupt(
                file: name,
                reason: "\(reader.remaining) bytes of lengths for \(fieldCount) fields × \(documentCount) documents"
            )
        }
        let lengths = try reader.readBytes(reader.remaining)
        self.file = file
        self.fieldCount = fieldCount
        self.documentCount = documentCount
        self.lengths = lengths
    }

    /// Verifies the file's checksum.
    /// - Throws: `FormatError.checksumMismatch`.
    /// - Complexity: O(file size).
    public func verify() throws {
        try FileFraming.verifyChecksum(of: file)
    }

    /// The length (number of token positions) of `field` in document `doc`.
    ///
    /// Hot path: no allocation, no throw.
    /// - Returns: the length, or 0 if `doc` or `field` is out of range.
    @inline(__always)
    public func length(doc: UInt32, field: Int) -> UInt32 {
        let doc = Int(doc)
        guard doc < documentCount, field >= 0, field < fieldCount else { return 0 }
        return UInt32(
            littleEndian: lengths.loadUnaligned(fromByteOffset: (field * documentCount + doc) * 4, as: UInt32.self)
        )
    }

    /// The sum of `field`'s lengths over every document (live or deleted); 0 if `field` is out
    /// of range. Not used to score: the segment's `.meta` holds these sums, and deletions carry
    /// their own (docs/FORMAT.md §8); the offline checker compares them with this.
    /// - Complexity: O(documents), a pass over the field's column.
    public func totalLength(field: Int) -> UInt64 {
        guard field >= 0, field < fieldCount else { return 0 }
        var sum: UInt64 = 0
        for doc in 0..<UInt32(documentCount) { sum &+= UInt64(length(doc: doc, field: field)) }
        return sum
    }
}
