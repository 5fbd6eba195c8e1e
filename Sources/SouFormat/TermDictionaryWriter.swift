/// Writes a segment's sorted term dictionary: byte-string keys, each with its `TermInfo`.
///
/// Call `add(_:_:)` once per term in strictly increasing unsigned byte order (a key is the
/// field number byte followed by the term's UTF-8 bytes), then `finish()`. Terms are
/// front-coded in blocks of `termsPerBlock`; after the blocks comes a sparse index of
/// fixed-size block offsets and a fixed trailer. Layout (docs/FORMAT.md §5):
///
///     block := (sharedPrefixLength: varint  suffixLength: varint  suffix: u8[suffixLength]  info: TermInfo)*
///     body  := block*  blockOffset: u64[blockCount]  indexOffset: u64  termCount: u64
///              blockCount: u32  termsPerBlock: u32
///
/// The first term of each block is stored whole (`sharedPrefixLength` 0).
public struct TermDictionaryWriter: Sendable {
    /// Terms per front-coded block: a lookup scans at most this many entries after a binary
    /// search over the block index. 32 keeps a block within a few cache lines for short terms
    /// while the index stays at 8 bytes per 32 terms.
    public let termsPerBlock: Int

    private var body = ByteWriter()
    /// Bytes of the body already handed to a `FramedFileOutput` by `drain(to:)`.
    private var drained = 0
    private var blockOffsets: [UInt64] = []
    private var previous: [UInt8] = []
    private var termCount = 0
    private var termsInBlock = 0

    /// - Parameter termsPerBlock: terms per front-coded block, at least 1.
    public init(termsPerBlock: Int = 32) {
        precondition(termsPerBlock >= 1 && termsPerBlock <= Int(UInt32.max), "termsPerBlock must be in 1...UInt32.max")
        self.termsPerBlock = termsPerBlock
    }

    /// Number of terms added so far.
    public var count: Int { termCount }

    /// Appends one term.
    ///
    /// - Parameters:
    ///   - term: the key; must sort strictly after the previous key (unsigned byte order).
    ///   - info: where the term's postings are.
    /// - Throws: `FormatError.corrupt` if `term` does not sort after the previous term; the
    ///   writer is unchanged then.
    public mutating func add(_ term: [UInt8], _ info: TermInfo) throws {
        try term.withUnsafeBufferPointer { try add($0, info) }
    }

    /// Appends one term given as bytes in place (no copy of the key beyond the previous-key buffer).
    /// - Throws: `FormatError.corrupt` if `term` does not sort after the previous term.
    public mutating func add(_ term: UnsafeBufferPointer<UInt8>, _ info: TermInfo) throws {
        if termCount > 0 {
            guard previous.lexicographicallyPrecedes(term) else {
                throw FormatError.corrupt(
                    file: "term dictionary (writing)",
                    reason: "term #\(termCount) \(Array(term)) does not sort after \(previous)"
                )
            }
        }
        var shared = 0
        if termsInBlock == termsPerBlock || termCount == 0 {
            blockOffsets.append(UInt64(drained + body.count))
            termsInBlock = 0
        } else {
            shared = TermDictionaryLayout.sharedPrefixLength(previous, term)
        }
        body.writeVarint(shared)
        body.writeVarint(term.count - shared)
        body.write(bytes: UnsafeBufferPointer(rebasing: term[shared...]))
        info.encode(into: &body)
        previous.removeAll(keepingCapacity: true)
        previous.append(contentsOf: term)
        termCount += 1
        termsInBlock += 1
    }

    /// Bytes encoded but not yet drained to a file.
    public var bufferedBytes: Int { body.count }

    /// Hands the terms encoded so far to `file`; a writer of a large dictionary keeps only
    /// the block index (8 bytes per block) in memory.
    public mutating func drain(to file: FramedFileOutput) throws {
        drained += body.count
        try file.drain(&body)
    }

    /// The complete framed file (kind `.termDictionary`). The writer may be used again
    /// afterwards: `finish()` does not change it. Only for a writer that was never drained.
    public func finish() -> [UInt8] {
        precondition(drained == 0, "finish() after drain(to:): use finish(to:)")
        var out = body
        appendIndex(to: &out)
        return FileFraming.frame(out.bytes, kind: .termDictionary)
    }

    /// Writes the rest of the body and the block index to `file` and finishes it.
    /// - Returns: the file's size.
    public mutating func finish(to file: FramedFileOutput) throws -> Int {
        try drain(to: file)
        var index = ByteWriter()
        appendIndex(to: &index)
        try file.drain(&index)
        return try file.finish()
    }

    private func appendIndex(to out: inout ByteWriter) {
        let indexOffset = drained + out.count
        for offset in blockOffsets { out.write(offset) }
        out.write(UInt64(indexOffset))
        out.write(UInt64(termCount))
        out.write(UInt32(blockOffsets.count))
        out.write(UInt32(termsPerBlock))
    }
}
