/// Reads the postings and positions files of one segment (docs/FORMAT.md §3, §4).
///
/// Safety of `@unchecked Sendable`: every stored property is a `let` set in `init`. The two
/// `MappedFile`s are read-only mappings that stay mapped for as long as this reader lives, and
/// the body pointers point into them; nothing is ever written. Cursors hold a strong reference
/// to the reader, so a mapping outlives every cursor that reads it, on any thread.
public final class PostingsReader: @unchecked Sendable {
    public let postingsFile: MappedFile
    public let positionsFile: MappedFile
    /// The body of the postings file (without frame): `TermInfo.postingsOffset` indexes it.
    let postingsBody: UnsafeRawBufferPointer
    /// The body of the positions file: `TermInfo.positionsOffset` indexes it.
    let positionsBody: UnsafeRawBufferPointer
    /// Whether skip entries carry `BlockImpacts` (postings version 2 and later).
    let hasImpacts: Bool

    /// Checks both frames (magic, version, size) and keeps the files mapped.
    ///
    /// Nothing else needs checking up front: a cursor checks every offset, length and value
    /// it reads against the bodies and its skip entries (docs/FORMAT.md §3.5), so it stays
    /// in bounds on a file whose checksum was never verified.
    /// - Parameters:
    ///   - postings: a file written as `PostingsWriter.finish().postings`.
    ///   - positions: the matching `PostingsWriter.finish().positions`.
    ///   - checks: `.full` also verifies both checksums (`verify()`).
    /// - Throws: `FormatError` (bad magic, unsupported version, checksum mismatch, truncated).
    /// - Complexity: O(1) with `.structure`; O(file size) with `.full`.
    public init(postings: MappedFile, positions: MappedFile, checks: OpenChecks = .full) throws {
        let postingsFrame = try FileFraming.verify(
            postings.bytes,
            kind: .postings,
            file: postings.name,
            checksum: false
        )
        let positionsFrame = try FileFraming.verify(
            positions.bytes,
            kind: .positions,
            file: positions.name,
            checksum: false
        )
        if checks == .full {
            try FileFraming.verifyChecksum(of: postings)
            try FileFraming.verifyChecksum(of: positions)
        }
        postingsFile = postings
        positionsFile = positions
        hasImpacts = postingsFrame.version >= 2
        postingsBody = UnsafeRawBufferPointer(rebasing: postings.bytes[postingsFrame.body])
        positionsBody = UnsafeRawBufferPointer(rebasing: positions.bytes[positionsFrame.body])
    }

    /// Verifies the checksums of both files.
    /// - Throws: `FormatError.checksumMismatch` naming the file.
    /// - Complexity: O(file size), read sequentially; see `FileFraming.verifyChecksum(of:)`.
    public func verify() throws {
        try FileFraming.verifyChecksum(of: postingsFile)
        try FileFraming.verifyChecksum(of: positionsFile)
    }

    /// A cursor over one term's postings, on its first document.
    ///
    /// A `TermInfo` that does not fit these files yields a cursor with `isCorrupt` set and
    /// `doc == PostingsCursor.noMoreDocs`; it never reads outside the mappings.
    /// - Complexity: decodes the term's first block (at most 128 documents).
    public func cursor(for info: TermInfo) -> PostingsCursor {
        PostingsCursor(reader: self, info: info)
    }
}
