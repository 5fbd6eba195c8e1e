extension StoredFieldsReader {
    /// One compressed block as stored, for a merge that copies it without inflating it.
    public struct RawBlock {
        /// The block's documents (consecutive doc IDs).
        public var documents: Range<UInt32>
        /// The zlib stream, in the reader's mapping (valid while the reader lives).
        public var compressed: UnsafeRawBufferPointer
        /// Its inflated size.
        public var rawSize: UInt32
    }

    /// Block `block` (in `0..<blockCount`) as stored.
    /// - Throws: `FormatError.corrupt` if its index entry is out of order or outside the blocks.
    public func rawBlock(_ block: Int) throws -> RawBlock {
        precondition(block >= 0 && block < blockCount, "block \(block) of \(blockCount)")
        let (compressed, entry) = try compressedBlock(block)
        let end = block + 1 < blockCount ? try self.entry(block + 1).firstDocID : UInt32(count)
        guard entry.firstDocID < end, end <= UInt32(count) else {
            throw FormatError.corrupt(
                file: file.name,
                reason: "block \(block) holds documents \(entry.firstDocID)..<\(end)"
            )
        }
        return RawBlock(documents: entry.firstDocID..<end, compressed: compressed, rawSize: entry.rawSize)
    }
}
