/// Reads document ids from an id-column file written by `IdColumnWriter`, in place.
///
/// Safety of `@unchecked Sendable`: every stored property is a `let`; `ends` and `bytes`
/// point into `file`'s read-only mapping, which the reader keeps alive.
public final class IdColumnReader: @unchecked Sendable {
    /// The mapping the reader reads from; kept alive as long as the reader.
    public let file: MappedFile
    /// Number of documents.
    public let count: Int

    private let name: String
    private let ends: UnsafeRawBufferPointer
    private let bytes: UnsafeRawBufferPointer

    /// Opens and checks an id-column file.
    ///
    /// - Parameter checks: `.structure` checks that `count` ends fit the body (every lookup
    ///   checks its own range); `.full` also verifies the checksum and that the ends increase
    ///   to exactly the size of the id bytes (`verify()`).
    /// - Throws: `FormatError` if magic, version or checksum do not match, or the ends do not
    ///   increase to exactly the size of the id bytes.
    /// - Complexity: O(1) with `.structure`; O(file size) with `.full`.
    public init(file: MappedFile, checks: OpenChecks = .full) throws {
        let name = file.name
        let (range, _) = try FileFraming.verify(file.bytes, kind: .idColumn, file: name, checksum: false)
        if checks == .full { try FileFraming.verifyChecksum(of: file) }
        let body = UnsafeRawBufferPointer(rebasing: file.bytes[range])
        var reader = ByteReader(body, file: name)
        let count = Int(try reader.readUInt32())
        guard count <= reader.remaining / 4 else {
            throw FormatError.corrupt(file: name, reason: "\(count) ids do not fit in \(reader.remaining) bytes")
        }
        self.file = file
        self.name = name
        self.count = count
        self.ends = try reader.readBytes(count * 4)
        self.bytes = try reader.readBytes(reader.remaining)
        if checks == .full { try checkEnds() }
    }

    /// Verifies the checksum, then that the ends strictly increase (ids are never empty) and
    /// the last one is exactly the size of the id bytes.
    /// - Throws: `FormatError` naming the file.
    /// - Complexity: O(file size).
    public func verify() throws {
        try FileFraming.verifyChecksum(of: file)
        try checkEnds()
    }

    private func checkEnds() throws {
        var previous: UInt32 = 0
        for index in 0..<count {
            let end = ends.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self).littleEndian
            guard end > previous, Int(end) <= bytes.count else {
                throw FormatError.corrupt(file: name, reason: "id \(index) ends at \(end) after \(previous)")
            }
            previous = end
        }
        guard Int(previous) == bytes.count else {
            throw FormatError.corrupt(file: name, reason: "ids end at \(previous), the file holds \(bytes.count) bytes")
        }
    }

    /// The id of document `doc`.
    ///
    /// - Throws: `FormatError.corrupt` if `doc` is out of range or the id's range is impossible
    ///   (a file not verified yet, `OpenChecks.structure`, or bytes changed on disk since).
    /// - Complexity: O(id length).
    public func id(_ doc: UInt32) throws -> String {
        String(decoding: try idBytes(doc), as: UTF8.self)
    }

    /// The UTF-8 bytes of document `doc`'s id, in the mapping (valid while the reader lives).
    /// - Throws: as `id(_:)`.
    public func idBytes(_ doc: UInt32) throws -> UnsafeRawBufferPointer {
        let index = Int(doc)
        guard index < count else {
            throw FormatError.corrupt(file: name, reason: "document \(doc) out of range (\(count) ids)")
        }
        let start =
            index == 0 ? 0 : Int(ends.loadUnaligned(fromByteOffset: (index - 1) * 4, as: UInt32.self).littleEndian)
        let end = Int(ends.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self).littleEndian)
        guard start < end, end <= bytes.count else {
            throw FormatError.corrupt(file: name, reason: "id \(doc) spans \(start)..<\(end) of \(bytes.count) bytes")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }
}
