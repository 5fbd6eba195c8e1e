/// Iterates one term's postings in doc-ID order (docs/FORMAT.md §3).
///
/// A value type: the decoded block lives inline (`DecodeBlock`), so `next()`, `advance(to:)`
/// and `frequency` neither allocate nor retain. Valid while its `PostingsReader` lives; it
/// holds a reference to it. Not `Sendable` (it holds raw pointers); make one per task.
///
/// Two positions move through the skip list: the *current* block, which is decoded and holds
/// `doc`, and the *skip pointer* (`shallowAdvance(to:)`, `blockLastDoc`, …), which is never
/// behind the current block and moves without decoding anything.
///
/// Corrupt data (which the CRC lets through only after a writer bug or a hand-made file) sets
/// `isCorrupt` and ends the cursor (`doc == noMoreDocs`); nothing traps or throws.
public struct PostingsCursor {
    /// The doc ID that marks the end; never a real document.
    public static let noMoreDocs: UInt32 = .max

    /// The current document; a fresh cursor is on its first document (`noMoreDocs` if empty).
    @inlinable public var doc: UInt32 { currentDoc }
    /// The term's frequency in the current document (0 at the end).
    @inlinable public var frequency: UInt32 { currentFrequency }
    /// Number of documents of the term.
    public let documentFrequency: UInt32
    /// The largest frequency of the term in any document (0 if none).
    public internal(set) var maxFrequency: UInt32 = 0
    /// The smallest field length of any document that has the term (`UInt32.max` if none).
    public internal(set) var minFieldLength: UInt32 = .max
    /// Set when decoding hit inconsistent data; the cursor is then at `noMoreDocs` for good.
    public internal(set) var isCorrupt = false

    /// A place in the skip list: one decoded entry and where the next one starts.
    struct SkipState {
        var entry: SkipEntry
        /// Index of the block (0-based); `blockCount` past the end.
        var index: Int
        /// Byte offset (in the postings body) of the next skip entry.
        var nextEntryOffset: Int
        /// The doc ID the block's first delta is added to (the previous block's last doc, or 0).
        var baseDoc: UInt32
    }

    @usableFromInline var currentDoc: UInt32 = noMoreDocs
    @usableFromInline var currentFrequency: UInt32 = 0
    private let reader: PostingsReader
    let hasImpacts: Bool
    let postings: UnsafeRawBufferPointer
    let positionsBody: UnsafeRawBufferPointer
    var blockCount = 0
    var tailCount = 0
    var skipEnd = 0
    var blocksStart = 0
    var positionsStart = 0

    var current: SkipState
    var pointer: SkipState
    @usableFromInline var docs = DecodeBlock()
    @usableFromInline var frequencies = DecodeBlock()
    /// Documents in the decoded block, and the index of `doc` among them.
    @usableFromInline var count = 0
    @usableFromInline var index = 0
    /// Positions read so far in the decoded block: the next unread document and its first byte.
    var positionsDocIndex = 0
    var positionsByteOffset = 0

    init(reader: PostingsReader, info: TermInfo) {
        self.reader = reader
        postings = reader.postingsBody
        positionsBody = reader.positionsBody
        documentFrequency = info.documentFrequency
        hasImpacts = reader.hasImpacts
        current = SkipState(entry: .origin, index: 0, nextEntryOffset: 0, baseDoc: 0)
        pointer = current
        open(info)
    }

    // MARK: Moving

    /// Moves to the next document.
    /// - Returns: the new `doc`, `noMoreDocs` at the end (and on every later call).
    /// - Complexity: O(1) amortized; decodes the next block every 128 documents.
    @inlinable
    public mutating func next() -> UInt32 {
        let i = index &+ 1
        if i < count {
            index = i
            currentDoc = docs.value(at: i)
            currentFrequency = frequencies.value(at: i)
            return currentDoc
        }
        return nextBlock()
    }

    /// Moves to the first document `≥ target`; does nothing if `doc ≥ target` already.
    /// - Returns: the new `doc` (`noMoreDocs` if there is none).
    /// - Complexity: skips whole blocks by their skip entries; decodes at most one block.
    public mutating func advance(to target: UInt32) -> UInt32 {
        if target <= currentDoc { return currentDoc }
        if target <= current.entry.lastDoc {
            // In the decoded block; its last doc is `lastDoc ≥ target`, so this stops.
            var i = index &+ 1
            while docs.value(at: i) < target { i &+= 1 }
            index = i
            currentDoc = docs.value(at: i)
            currentFrequency = frequencies.value(at: i)
            return currentDoc
        }
        // A skip pointer that starts after `target`'s block cannot be used; rescan from current.
        var state = pointer.index > current.index && pointer.baseDoc < target ? pointer : current
        while state.entry.lastDoc < target {
            guard let following = entry(after: state) else { return end() }
            state = following
        }
        current = state
        if pointer.index < current.index { pointer = current }
        guard loadBlock() else { return end() }
        var i = 0
        while docs.value(at: i) < target { i &+= 1 }
        index = i
        currentDoc = docs.value(at: i)
        currentFrequency = frequencies.value(at: i)
        return currentDoc
    }

    /// The current document's positions, absolute and increasing, replacing `buffer`'s contents.
    ///
    /// Reads only the current block's positions (from its skip entry's offset), continuing
    /// where the previous call in the same block stopped. Empty at the end or when corrupt.
    public mutating func positions(into buffer: inout [UInt32]) {
        guard currentDoc != Self.noMoreDocs, let base = positionsBody.baseAddress else {
            buffer.removeAll(keepingCapacity: true)
            return
        }
        let entry = current.entry
        let blockStart = UInt64(positionsStart) &+ entry.positionsOffset
        guard blockStart <= UInt64(positionsBody.count),
            entry.positionsLength <= UInt64(positionsBody.count) - blockStart
        else { return corruptPositions(&buffer) }
        let end = Int(blockStart &+ entry.positionsLength)
        if positionsDocIndex > index {
            positionsDocIndex = 0
            positionsByteOffset = Int(blockStart)
        }
        var skipped: UInt64 = 0
        for i in positionsDocIndex..<index { skipped &+= UInt64(frequencies.value(at: i)) }
        var offset = positionsByteOffset
        guard BoundedVarint.skip(skipped, base, &offset, end: end) else { return corruptPositions(&buffer) }
        // Resize without reallocating once the buffer has grown, then decode in place.
        let count = Int(currentFrequency)
        if buffer.count > count {
            buffer.removeLast(buffer.count - count)
        } else if buffer.count < count {
            // One element at a time: `append(contentsOf:)` of a sequence allocates per element
            // when unspecialized (debug builds).
            buffer.reserveCapacity(count)
            while buffer.count < count { buffer.append(0) }
        }
        let valid = buffer.withUnsafeMutableBufferPointer { out -> Bool in
            var position: UInt64 = 0
            for i in 0..<count {
                guard let delta = BoundedVarint.read32(base, &offset, end: end), i == 0 || delta > 0 else {
                    return false
                }
                position &+= UInt64(delta)
                guard position <= UInt64(UInt32.max) else { return false }
                out[i] = UInt32(truncatingIfNeeded: position)
            }
            return true
        }
        guard valid else { return corruptPositions(&buffer) }
        positionsDocIndex = index &+ 1
        positionsByteOffset = offset
    }

    private mutating func corruptPositions(_ buffer: inout [UInt32]) {
        buffer.removeAll(keepingCapacity: true)
        corrupt()
    }

    // MARK: Block-max support

    /// Moves only the skip pointer, to the first block whose last doc is `≥ target`, without
    /// decoding. The pointer never moves behind the current block.
    public mutating func shallowAdvance(to target: UInt32) {
        if current.index >= blockCount { return }  // the cursor has ended
        // The pointer's block is the right one if it holds `target` and no earlier block could.
        let startsBefore = pointer.index == current.index || pointer.baseDoc < target
        if target <= blockLastDoc && startsBefore { return }
        // Past the end, or after `target`'s block (an earlier call went further): rescan from current.
        var state = pointer.index < blockCount && startsBefore ? pointer : current
        while state.entry.lastDoc < target {
            guard let following = entry(after: state) else {
                if isCorrupt { _ = end() }
                return
            }
            state = following
        }
        pointer = state
    }

    /// The last doc of the block at the skip pointer (`noMoreDocs` past the last block).
    public var blockLastDoc: UInt32 { pointer.index < blockCount ? pointer.entry.lastDoc : Self.noMoreDocs }
    /// The largest frequency in the block at the skip pointer (0 past the last block).
    public var blockMaxFrequency: UInt32 { pointer.index < blockCount ? pointer.entry.maxFrequency : 0 }
    /// The smallest field length in the block at the skip pointer (`UInt32.max` past the last block).
    public var blockMinFieldLength: UInt32 { pointer.index < blockCount ? pointer.entry.minFieldLength : .max }
    /// The block at the skip pointer's impacts (empty for version-1 postings and past the last
    /// block: then `blockMaxFrequency` and `blockMinFieldLength` are the bound).
    public var blockImpacts: BlockImpacts { pointer.index < blockCount ? pointer.entry.impacts : BlockImpacts() }

    // MARK: Internals

    /// Moves to the first document of the block after the current one.
    @inline(never) @usableFromInline
    mutating func nextBlock() -> UInt32 {
        guard currentDoc != Self.noMoreDocs, let following = entry(after: current) else { return end() }
        current = following
        if pointer.index < current.index { pointer = current }
        guard loadBlock() else { return end() }
        index = 0
        currentDoc = docs.value(at: 0)
        currentFrequency = frequencies.value(at: 0)
        return currentDoc
    }

    /// The skip state after `state`, or `nil` past the last block (the pointer then moves past
    /// the end) or on corrupt data (`isCorrupt` is then set).
    mutating func entry(after state: SkipState) -> SkipState? {
        let nextIndex = state.index &+ 1
        guard nextIndex < blockCount else {
            pointer = pastEnd(after: state)
            return nil
        }
        return decodeEntry(at: state.nextEntryOffset, after: state.entry, index: nextIndex)
    }

    mutating func decodeEntry(at start: Int, after previous: SkipEntry, index: Int) -> SkipState? {
        guard let base = postings.baseAddress else { return corruptEntry() }
        var offset = start
        guard
            let entry = SkipEntry.decode(
                after: previous,
                isFirst: index == 0,
                withImpacts: hasImpacts,
                base,
                &offset,
                end: skipEnd
            )
        else {
            return corruptEntry()
        }
        return SkipState(
            entry: entry,
            index: index,
            nextEntryOffset: offset,
            baseDoc: index == 0 ? 0 : previous.lastDoc
        )
    }

    private mutating func corruptEntry() -> SkipState? {
        isCorrupt = true
        pointer.index = blockCount
        return nil
    }

    private func pastEnd(after state: SkipState) -> SkipState {
        var end = state
        end.index = blockCount
        end.baseDoc = state.entry.lastDoc
        return end
    }

    /// Ends the cursor: `doc = noMoreDocs`, skip pointer past the end.
    @discardableResult
    mutating func end() -> UInt32 {
        currentDoc = Self.noMoreDocs
        currentFrequency = 0
        count = 0
        index = 0
        current.index = blockCount
        pointer.index = blockCount
        return Self.noMoreDocs
    }

    mutating func corrupt() {
        isCorrupt = true
        end()
    }
}
