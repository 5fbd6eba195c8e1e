/// What a term's skip list says about one block of its postings (docs/FORMAT.md §3.2).
///
/// Offsets are relative: `blockOffset` to the term's first block, `positionsOffset` to the
/// term's first position byte (`TermInfo.positionsOffset`). On disk each entry stores deltas
/// and lengths, so the offsets of entry `i` are the sums over entries `0..<i`:
///
///     skipEntry := lastDocDelta:    varint  // lastDoc − previous entry's lastDoc (first: lastDoc)
///                  blockLength:     varint  // bytes of this block in the postings body
///                  positionsLength: varint  // bytes of this block's positions
///                  maxFrequency:    varint  // largest term frequency in the block
///                  minFieldLength:  varint  // smallest field length of a document in the block
///                  impacts:         BlockImpacts  // version 2 only (`BlockImpacts.encode`)
struct SkipEntry: Sendable, Equatable {
    /// The last (largest) doc ID of the block.
    var lastDoc: UInt32
    /// Byte offset of the block from the term's first block.
    var blockOffset: UInt64
    var blockLength: UInt64
    /// Byte offset of the block's first position from the term's first position byte.
    var positionsOffset: UInt64
    var positionsLength: UInt64
    /// The block's score bound: no document in it has a higher frequency or a shorter field.
    var maxFrequency: UInt32
    var minFieldLength: UInt32
    /// A tighter bound (postings version 2): pairs that every document of the block is under.
    var impacts = BlockImpacts()

    /// The entry "before the first": zero doc and offsets, so the first entry's deltas are absolute.
    static let origin = SkipEntry(
        lastDoc: 0,
        blockOffset: 0,
        blockLength: 0,
        positionsOffset: 0,
        positionsLength: 0,
        maxFrequency: 0,
        minFieldLength: 0
    )

    /// Appends this entry, delta-coded against `previous` (`.origin` for the first block).
    /// - Parameter withImpacts: postings version 2 and later.
    func encode(after previous: SkipEntry, withImpacts: Bool, into writer: inout ByteWriter) {
        writer.writeVarint(UInt64(lastDoc &- previous.lastDoc))
        writer.writeVarint(blockLength)
        writer.writeVarint(positionsLength)
        writer.writeVarint(UInt64(maxFrequency))
        writer.writeVarint(UInt64(minFieldLength))
        if withImpacts { impacts.encode(into: &writer) }
    }

    /// Decodes the entry that follows `previous` from `base[offset..<end]`.
    ///
    /// - Parameters:
    ///   - isFirst: the first entry may have `lastDoc == 0`; later ones must grow.
    ///   - withImpacts: postings version 2 and later.
    /// - Returns: `nil` if the bytes run out, a value overflows, or the doc IDs do not increase.
    @inline(__always)
    static func decode(
        after previous: SkipEntry,
        isFirst: Bool,
        withImpacts: Bool,
        _ base: UnsafeRawPointer,
        _ offset: inout Int,
        end: Int
    ) -> SkipEntry? {
        guard let docDelta = BoundedVarint.read32(base, &offset, end: end),
            let blockLength = BoundedVarint.read(base, &offset, end: end),
            let positionsLength = BoundedVarint.read(base, &offset, end: end),
            let maxFrequency = BoundedVarint.read32(base, &offset, end: end),
            let minFieldLength = BoundedVarint.read32(base, &offset, end: end)
        else { return nil }
        let lastDoc = UInt64(previous.lastDoc) + UInt64(docDelta)
        // Doc IDs grow strictly and never reach the cursor's end marker (UInt32.max).
        guard lastDoc < UInt64(UInt32.max), isFirst || docDelta > 0 else { return nil }
        // Lengths are bounded by the mapped file; anything near 2^62 is corrupt, not large.
        let limit: UInt64 = 1 << 62
        guard blockLength < limit, positionsLength < limit,
            previous.blockOffset < limit, previous.positionsOffset < limit
        else { return nil }
        var impacts = BlockImpacts()
        if withImpacts {
            guard let decoded = BlockImpacts.decode(base, &offset, end: end) else { return nil }
            impacts = decoded
        }
        return SkipEntry(
            lastDoc: UInt32(lastDoc),
            blockOffset: previous.blockOffset + previous.blockLength,
            blockLength: blockLength,
            positionsOffset: previous.positionsOffset + previous.positionsLength,
            positionsLength: positionsLength,
            maxFrequency: maxFrequency,
            minFieldLength: minFieldLength,
            impacts: impacts
        )
    }
}
