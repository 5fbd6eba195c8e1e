/// Opening a term and decoding blocks (docs/FORMAT.md §3). Every read is checked against the
/// mapped body and against what the skip entry promises; a mismatch sets `isCorrupt`.
extension PostingsCursor {
    /// Reads the term header and the first skip entry, and decodes the first block.
    mutating func open(_ info: TermInfo) {
        let documentCount = Int(info.documentFrequency)
        blockCount = (documentCount + BitPacking.blockSize - 1) / BitPacking.blockSize
        tailCount = documentCount % BitPacking.blockSize
        guard documentCount > 0 else {
            end()
            return
        }
        guard let base = postings.baseAddress,
            info.postingsOffset < UInt64(postings.count),
            info.positionsOffset <= UInt64(positionsBody.count)
        else { return corrupt() }
        var offset = Int(info.postingsOffset)
        let bodyEnd = postings.count
        guard let termMaxFrequency = BoundedVarint.read32(base, &offset, end: bodyEnd),
            let termMinFieldLength = BoundedVarint.read32(base, &offset, end: bodyEnd),
            let skipLength = BoundedVarint.read(base, &offset, end: bodyEnd),
            skipLength <= UInt64(bodyEnd - offset)
        else { return corrupt() }
        maxFrequency = termMaxFrequency
        minFieldLength = termMinFieldLength
        skipEnd = offset + Int(skipLength)
        blocksStart = skipEnd
        positionsStart = Int(info.positionsOffset)
        guard let first = decodeEntry(at: offset, after: .origin, index: 0) else {
            end()
            return
        }
        current = first
        pointer = first
        guard loadBlock() else {
            end()
            return
        }
        index = 0
        currentDoc = docs.value(at: 0)
        currentFrequency = frequencies.value(at: 0)
    }

    /// Decodes the block of `current` into `docs` and `frequencies`.
    /// - Returns: `false` (with `isCorrupt` set) if the block disagrees with its skip entry.
    mutating func loadBlock() -> Bool {
        let entry = current.entry
        let isTail = tailCount > 0 && current.index == blockCount - 1
        let documents = isTail ? tailCount : BitPacking.blockSize
        let bodyCount = UInt64(postings.count)
        let start = UInt64(blocksStart) &+ entry.blockOffset
        guard let base = postings.baseAddress, entry.blockOffset < bodyCount, start <= bodyCount,
            entry.blockLength <= bodyCount - start
        else {
            isCorrupt = true
            return false
        }
        let block = Block(
            base: base,
            start: Int(start),
            end: Int(start + entry.blockLength),
            baseDoc: current.baseDoc,
            isFirst: current.index == 0,
            lastDoc: entry.lastDoc,
            maxFrequency: entry.maxFrequency
        )
        let valid =
            isTail
            ? Self.decodeTail(block, documents, &docs, &frequencies)
            : Self.decodePacked(block, &docs, &frequencies)
        guard valid else {
            isCorrupt = true
            return false
        }
        count = documents
        index = 0
        positionsDocIndex = 0
        positionsByteOffset = positionsStart &+ Int(truncatingIfNeeded: entry.positionsOffset)
        return true
    }

    /// Where a block is and what its skip entry says about it.
    struct Block {
        var base: UnsafeRawPointer
        var start: Int
        var end: Int
        var baseDoc: UInt32
        /// The term's first block: its first doc delta may be 0 (doc ID 0).
        var isFirst: Bool
        var lastDoc: UInt32
        var maxFrequency: UInt32
    }

    /// A full block: two bit widths, then 128 doc deltas and 128 frequencies − 1, bit-packed.
    static func decodePacked(_ block: Block, _ docs: inout DecodeBlock, _ frequencies: inout DecodeBlock) -> Bool {
        guard block.end - block.start >= 2 else { return false }
        let docBits = Int(block.base.load(fromByteOffset: block.start, as: UInt8.self))
        let freqBits = Int(block.base.load(fromByteOffset: block.start &+ 1, as: UInt8.self))
        guard docBits <= 32, freqBits <= 32,
            2 &+ BitPacking.byteCount(bitWidth: docBits) &+ BitPacking.byteCount(bitWidth: freqBits)
                == block.end - block.start
        else { return false }
        let docsSource = block.base + (block.start &+ 2)
        let docsValid = docs.withPointer { out -> Bool in
            BitPacking.unpack(docsSource, bitWidth: docBits, into: out)
            var smallestDelta = UInt32.max
            for i in 1..<BitPacking.blockSize { smallestDelta = min(smallestDelta, out[i]) }
            var sum = UInt64(block.baseDoc)
            for i in 0..<BitPacking.blockSize {
                sum &+= UInt64(out[i])
                out[i] = UInt32(truncatingIfNeeded: sum)
            }
            // Deltas are ≤ 2^32 − 1, so `sum` cannot wrap; ending exactly at `lastDoc` with every
            // delta ≥ 1 means every doc ID fits and grows strictly.
            return smallestDelta > 0 && (out[0] > block.baseDoc || block.isFirst) && sum == UInt64(block.lastDoc)
        }
        guard docsValid else { return false }
        let frequencySource = docsSource + BitPacking.byteCount(bitWidth: docBits)
        return frequencies.withPointer { out -> Bool in
            BitPacking.unpack(frequencySource, bitWidth: freqBits, into: out)
            var largestMinus1: UInt32 = 0
            for i in 0..<BitPacking.blockSize { largestMinus1 = max(largestMinus1, out[i]) }
            // No stored value is UInt32.max, so adding 1 cannot wrap to 0.
            guard largestMinus1 < UInt32.max, largestMinus1 &+ 1 == block.maxFrequency else { return false }
            for i in 0..<BitPacking.blockSize { out[i] &+= 1 }
            return true
        }
    }

    /// The tail: `documents` pairs of varints (doc delta, frequency − 1), exactly filling the block.
    static func decodeTail(
        _ block: Block,
        _ documents: Int,
        _ docs: inout DecodeBlock,
        _ frequencies: inout DecodeBlock
    ) -> Bool {
        docs.withPointer { docsOut in
            frequencies.withPointer { frequenciesOut in
                var offset = block.start
                var sum = UInt64(block.baseDoc)
                var largest: UInt32 = 0
                for i in 0..<documents {
                    guard let delta = BoundedVarint.read32(block.base, &offset, end: block.end),
                        let frequencyMinus1 = BoundedVarint.read32(block.base, &offset, end: block.end),
                        delta > 0 || (i == 0 && block.isFirst),
                        frequencyMinus1 < UInt32.max
                    else { return false }
                    sum &+= UInt64(delta)
                    guard sum <= UInt64(block.lastDoc) else { return false }
                    docsOut[i] = UInt32(truncatingIfNeeded: sum)
                    frequenciesOut[i] = frequencyMinus1 &+ 1
                    largest = max(largest, frequencyMinus1 &+ 1)
                }
                return offset == block.end && sum == UInt64(block.lastDoc) && largest == block.maxFrequency
            }
        }
    }
}
