/// Writes the external ids of one segment's documents, uncompressed, in doc-ID order.
///
/// A hit needs only its id; reading it from the compressed stored fields cost one block
/// inflation (16–64 KiB) per hit. Call `add(_:)` once per document in doc-ID order, then
/// `finish()`. Layout (docs/FORMAT.md §12):
///
///     count: u32                 // documents
///     ends:  u32[count]          // ends[i]: end of id i in `bytes` (id i is ends[i-1]..<ends[i])
///     bytes: u8[ends[count-1]]   // the ids' UTF-8, back to back
public struct IdColumnWriter {
    private var ends: [UInt32] = []
    private var bytes: [UInt8] = []

    public init() {}

    /// Appends the id of the next document.
    /// - Throws: `FormatError.corrupt` once the ids pass 4 GiB (offsets are 32-bit); a
    ///   segment that large must be split, not written with wrapped offsets.
    public mutating func add(_ id: String) throws {
        bytes.append(contentsOf: id.utf8)
        guard let end = UInt32(exactly: bytes.count) else {
            throw FormatError.corrupt(file: "id column", reason: "ids of one segment exceed 4 GiB")
        }
        ends.append(end)
    }

    /// The framed file image.
    public func finish() -> [UInt8] {
        var writer = ByteWriter(capacity: 4 + ends.count * 4 + bytes.count)
        writer.write(UInt32(ends.count))
        for end in ends { writer.write(end) }
        writer.write(bytes: bytes)
        return FileFraming.frame(writer.bytes, kind: .idColumn)
    }
}
