/// Writes the postings and positions files of one segment.
///
/// Call order: for each term, `startTerm()`, then `add(docID:positions:fieldLength:)` with
/// strictly increasing doc IDs, then `finishTerm()` (store the returned `TermInfo` in the term
/// dictionary). Finally `finish()` returns both framed files. Layout (docs/FORMAT.md §3, §4):
///
///     term      := maxFrequency: varint  minFieldLength: varint  skipLength: varint
///                  skipEntry{⌈df/128⌉}  block{⌊df/128⌋}  tail?
///     block     := docBits: u8  freqBits: u8
///                  docDeltas: bitpacked[128](docBits)  freqsMinus1: bitpacked[128](freqBits)
///     tail      := { docDelta: varint  freqMinus1: varint }{df mod 128}
///     positions := per document, in doc order: { positionDelta: varint }{freq}
///
/// A doc delta is the doc ID minus the previous doc ID of the term (the first doc of the
/// term: minus 0). A skip entry (`SkipEntry`) precedes the blocks so that a cursor can
/// skip whole blocks without touching them.
///
/// Inputs are the caller's contract (not data from disk), so violations stop the process.
public struct PostingsWriter {
    private var postings = ByteWriter(capacity: 1 << 16)
    private var positions = ByteWriter(capacity: 1 << 16)
    /// Bytes of each body already handed to a `FramedFileOutput` by `drain(…)`.
    private var postingsDrained = 0
    private var positionsDrained = 0

    // The open term.
    private var isInTerm = false
    private var termPositionsStart = 0
    private var skip = ByteWriter()
    private var blocks = ByteWriter()
    private var previousEntry = SkipEntry.origin
    private var documentFrequency: UInt32 = 0
    private var totalTermFrequency: UInt64 = 0
    private var termMaxFrequency: UInt32 = 0
    private var termMinFieldLength: UInt32 = .max
    private var lastDoc: UInt32 = 0

    // The open block.
    private var blockDocs: [UInt32] = []
    private var blockFrequencies: [UInt32] = []
    private var blockFieldLengths: [UInt32] = []
    private var blockMaxFrequency: UInt32 = 0
    private var blockMinFieldLength: UInt32 = .max
    private var blockPositionsStart = 0
    /// The postings layout version written (`FileKind.postings.currentVersion`; 1 writes
    /// skip entries without impacts, for tests of reading old segments).
    public let version: UInt16

    public init(version: UInt16 = FileKind.postings.currentVersion) {
        precondition(FileKind.postings.supportedVersions.contains(version), "unknown postings version \(version)")
        self.version = version
        blockDocs.reserveCapacity(BitPacking.blockSize)
        blockFrequencies.reserveCapacity(BitPacking.blockSize)
        blockFieldLengths.reserveCapacity(BitPacking.blockSize)
    }

    /// Starts a new term. Then call `add(...)` for each of its documents and `finishTerm()`.
    public mutating func startTerm() {
        precondition(!isInTerm, "startTerm() while a term is open: call finishTerm() first")
        isInTerm = true
        termPositionsStart = positionsOffset
        skip.removeAll()
        blocks.removeAll()
        previousEntry = .origin
        documentFrequency = 0
        totalTermFrequency = 0
        termMaxFrequency = 0
        termMinFieldLength = .max
        lastDoc = 0
        startBlock()
    }

    /// Adds one document of the open term.
    ///
    /// - Parameters:
    ///   - docID: greater than the previous doc ID of this term, and less than `UInt32.max`
    ///     (`PostingsCursor.noMoreDocs`).
    ///   - positions: the term's positions in the document's field, strictly increasing, at
    ///     least one; the frequency is `positions.count`.
    ///   - fieldLength: the number of positions of the document's field (for block bounds).
    public mutating func add(docID: UInt32, positions docPositions: UnsafeBufferPointer<UInt32>, fieldLength: UInt32) {
        precondition(isInTerm, "add(...) outside a term: call startTerm() first")
        precondition(docID != PostingsCursor.noMoreDocs, "doc ID UInt32.max is reserved")
        precondition(documentFrequency == 0 || docID > lastDoc, "doc IDs must strictly increase within a term")
        precondition(!docPositions.isEmpty, "a posting needs at least one position")
        precondition(docPositions.count <= Int(UInt32.max), "too many positions")
        let frequency = UInt32(docPositions.count)

        var previous: UInt32 = 0
        for (i, position) in docPositions.enumerated() {
            precondition(i == 0 || position > previous, "positions must strictly increase")
            positions.writeVarint(UInt64(position &- previous))
            previous = position
        }
        record(docID: docID, frequency: frequency, fieldLength: fieldLength)
    }

    /// Adds one document of the open term whose positions the caller writes already encoded:
    /// `writePositions` appends exactly `frequency` varint position deltas (the first from 0),
    /// the positions file's layout. For a segment builder that keeps positions in that form
    /// (no decoding and re-encoding); the deltas are trusted, not checked.
    /// - Parameters: as `add(docID:positions:fieldLength:)`, with `frequency` ≥ 1.
    public mutating func add(
        docID: UInt32,
        frequency: UInt32,
        fieldLength: UInt32,
        writePositions: (inout ByteWriter) -> Void
    ) {
        precondition(isInTerm, "add(...) outside a term: call startTerm() first")
        precondition(docID != PostingsCursor.noMoreDocs, "doc ID UInt32.max is reserved")
        precondition(documentFrequency == 0 || docID > lastDoc, "doc IDs must strictly increase within a term")
        precondition(frequency >= 1, "a posting needs at least one position")
        writePositions(&positions)
        record(docID: docID, frequency: frequency, fieldLength: fieldLength)
    }

    private mutating func record(docID: UInt32, frequency: UInt32, fieldLength: UInt32) {
        blockDocs.append(docID)
        blockFrequencies.append(frequency)
        blockFieldLengths.append(fieldLength)
        blockMaxFrequency = max(blockMaxFrequency, frequency)
        blockMinFieldLength = min(blockMinFieldLength, fieldLength)
        lastDoc = docID
        documentFrequency += 1
        totalTermFrequency += UInt64(frequency)
        termMaxFrequency = max(termMaxFrequency, frequency)
        termMinFieldLength = min(termMinFieldLength, fieldLength)
        if blockDocs.count == BitPacking.blockSize { finishBlock() }
    }

    /// Convenience for `add(docID:positions:fieldLength:)` with an array.
    public mutating func add(docID: UInt32, positions docPositions: [UInt32], fieldLength: UInt32) {
        docPositions.withUnsafeBufferPointer { add(docID: docID, positions: $0, fieldLength: fieldLength) }
    }

    /// Closes the open term and appends its postings.
    /// - Returns: where the term's postings and positions start and its statistics.
    public mutating func finishTerm() -> TermInfo {
        precondition(isInTerm, "finishTerm() without startTerm()")
        if !blockDocs.isEmpty { finishBlock() }
        isInTerm = false
        let postingsOffset = postingsDrained + postings.count
        postings.writeVarint(UInt64(termMaxFrequency))
        postings.writeVarint(UInt64(termMinFieldLength))
        postings.writeVarint(skip.count)
        postings.write(bytes: skip.bytes)
        postings.write(bytes: blocks.bytes)
        return TermInfo(
            documentFrequency: documentFrequency,
            postingsOffset: UInt64(postingsOffset),
            positionsOffset: UInt64(termPositionsStart),
            totalTermFrequency: totalTermFrequency
        )
    }

    /// Closes the open term like `finishTerm()`, except that a term to which no document was
    /// added is dropped without writing anything (a merge that dropped every posting of a
    /// term as deleted). - Returns: the term's `TermInfo`, or nil if it was dropped.
    public mutating func finishTermUnlessEmpty() -> TermInfo? {
        precondition(isInTerm, "finishTermUnlessEmpty() without startTerm()")
        guard documentFrequency > 0 else {
            isInTerm = false
            return nil
        }
        return finishTerm()
    }

    /// Bytes encoded but not yet drained to files.
    public var bufferedBytes: Int { postings.count + positions.count }

    /// The positions body's size so far, drained bytes included.
    private var positionsOffset: Int { positionsDrained + positions.count }

    /// Hands the bytes encoded so far to the two files (between terms), so that a writer of
    /// a large segment holds at most one term's postings in memory.
    public mutating func drain(
        postingsTo postingsFile: FramedFileOutput,
        positionsTo positionsFile: FramedFileOutput
    ) throws {
        precondition(!isInTerm, "drain(…) while a term is open: call finishTerm() first")
        postingsDrained += postings.count
        positionsDrained += positions.count
        try postingsFile.drain(&postings)
        try positionsFile.drain(&positions)
    }

    /// Writes the rest of both bodies to the files and finishes them.
    /// - Returns: the two files' sizes.
    public mutating func finish(
        postingsTo postingsFile: FramedFileOutput,
        positionsTo positionsFile: FramedFileOutput
    ) throws -> (postings: Int, positions: Int) {
        try drain(postingsTo: postingsFile, positionsTo: positionsFile)
        return (try postingsFile.finish(), try positionsFile.finish())
    }

    /// The two complete files, framed (`FileFraming`) as `.postings` and `.positions`.
    /// Only for a writer that was never drained.
    public func finish() -> (postings: [UInt8], positions: [UInt8]) {
        precondition(postingsDrained == 0 && positionsDrained == 0, "finish() after drain(…): finish the files")
        precondition(!isInTerm, "finish() while a term is open: call finishTerm() first")
        return (
            FileFraming.frame(postings.bytes, kind: .postings, version: version),
            FileFraming.frame(positions.bytes, kind: .positions)
        )
    }

    private mutating func startBlock() {
        blockDocs.removeAll(keepingCapacity: true)
        blockFrequencies.removeAll(keepingCapacity: true)
        blockFieldLengths.removeAll(keepingCapacity: true)
        blockMaxFrequency = 0
        blockMinFieldLength = .max
        blockPositionsStart = positionsOffset
    }

    /// Encodes the open block (full: bit-packed; partial: the varint tail) and its skip entry.
    private mutating func finishBlock() {
        let blockStart = blocks.count
        let withImpacts = version >= 2
        let impacts =
            withImpacts
            ? BlockImpacts.of(frequencies: blockFrequencies, fieldLengths: blockFieldLengths) : BlockImpacts()
        let base = previousEntry.lastDoc
        // Turn doc IDs into deltas and frequencies into frequency − 1, in place.
        var previous = base
        for i in blockDocs.indices {
            let doc = blockDocs[i]
            blockDocs[i] = doc &- previous
            previous = doc
            blockFrequencies[i] &-= 1
        }
        if blockDocs.count == BitPacking.blockSize {
            // Locals, so that the closures below touch no other part of `self` than `blocks`.
            let docDeltas = blockDocs
            let frequenciesMinus1 = blockFrequencies
            docDeltas.withUnsafeBufferPointer { docs in
                frequenciesMinus1.withUnsafeBufferPointer { freqs in
                    let docBits = BitPacking.requiredBitWidth(docs)
                    let freqBits = BitPacking.requiredBitWidth(freqs)
                    blocks.write(UInt8(docBits))
                    blocks.write(UInt8(freqBits))
                    BitPacking.pack(docs, bitWidth: docBits, into: &blocks)
                    BitPacking.pack(freqs, bitWidth: freqBits, into: &blocks)
                }
            }
        } else {
            for i in blockDocs.indices {
                blocks.writeVarint(UInt64(blockDocs[i]))
                blocks.writeVarint(UInt64(blockFrequencies[i]))
            }
        }
        let entry = SkipEntry(
            lastDoc: lastDoc,
            blockOffset: UInt64(blockStart),
            blockLength: UInt64(blocks.count - blockStart),
            positionsOffset: UInt64(blockPositionsStart - termPositionsStart),
            positionsLength: UInt64(positionsOffset - blockPositionsStart),
            maxFrequency: blockMaxFrequency,
            minFieldLength: blockMinFieldLength,
            impacts: impacts
        )
        entry.encode(after: previousEntry, withImpacts: withImpacts, into: &skip)
        previousEntry = entry
        startBlock()
    }
}
