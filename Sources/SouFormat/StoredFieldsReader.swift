import SouDocument
import Synchronization

/// Reads documents from a stored-fields file written by `StoredFieldsWriter`.
///
/// `document(_:)` binary-searches the fixed-size block index, inflates the block (or takes it
/// from `StoredBlockCache.shared`) and decodes the document. Layout: docs/FORMAT.md §6.
///
/// Safety of `@unchecked Sendable`: the stored properties are `let`s; `body` points into
/// `file`'s read-only mapping, which the reader keeps alive. Inflated blocks live in the
/// shared cache, which locks itself.
public final class StoredFieldsReader: @unchecked Sendable {
    /// The mapping the reader reads from; kept alive as long as the reader.
    public let file: MappedFile
    /// Number of documents (IDs `0..<count`).
    public let count: Int

    private let body: UnsafeRawBufferPointer
    private let name: String
    private let indexOffset: Int
    /// Number of compressed blocks.
    public let blockCount: Int
    /// This reader's key in the block cache: never reused, unlike the object's address.
    private let serial: UInt64
    private let cache: StoredBlockCache
    private static let serials = Atomic<UInt64>(0)

    /// Opens and checks a stored-fields file.
    ///
    /// - Parameters:
    ///   - file: the mapped file.
    ///   - checks: `.structure` checks the trailer and the size of the block index (every
    ///     read checks the entry it uses); `.full` also verifies the checksum and every entry
    ///     of the index (`verify()`).
    /// - Throws: `FormatError` if magic, version or checksum do not match, or the block index
    ///   is inconsistent (first IDs not increasing from 0, blocks not contiguous, sizes
    ///   impossible).
    /// - Complexity: O(1) with `.structure`; O(file size) with `.full`.
    public init(file: MappedFile, cache: StoredBlockCache = .shared, checks: OpenChecks = .full) throws {
        let name = file.name
        let (range, _) = try FileFraming.verify(file.bytes, kind: .storedFields, file: name, checksum: false)
        if checks == .full { try FileFraming.verifyChecksum(of: file) }
        let body = UnsafeRawBufferPointer(rebasing: file.bytes[range])
        guard body.count >= StoredFieldsLayout.trailerSize else {
            throw FormatError.truncated(file: name, offset: range.lowerBound + body.count)
        }
        let trailerOffset = body.count - StoredFieldsLayout.trailerSize
        var trailer = ByteReader(body, offset: trailerOffset, file: name)
        let documentCount = try trailer.readUInt32()
        let blockCount = try trailer.readUInt32()
        let indexOffset = try trailer.readUInt64()
        guard indexOffset <= UInt64(trailerOffset),
            UInt64(trailerOffset) - indexOffset == UInt64(blockCount) * UInt64(StoredFieldsLayout.entrySize),
            (blockCount == 0) == (documentCount == 0), blockCount <= documentCount
        else {
            throw FormatError.corrupt(
                file: name,
                reason: "\(documentCount) documents in \(blockCount) blocks disagree with the index size"
            )
        }
        self.file = file
        self.name = name
        self.body = body
        self.count = Int(documentCount)
        self.blockCount = Int(blockCount)
        self.indexOffset = Int(indexOffset)
        self.cache = cache
        self.serial = Self.serials.add(1, ordering: .relaxed).newValue
        if checks == .full { try checkBlockIndex() }
    }

    /// Verifies the checksum and every entry of the block index: first IDs start at 0 and
    /// strictly increase below the document count, blocks are contiguous from offset 0 to the
    /// index, and no block claims more documents or inflated bytes than its sizes allow.
    /// - Throws: `FormatError` naming the file.
    /// - Complexity: O(file size).
    public func verify() throws {
        try FileFraming.verifyChecksum(of: file)
        try checkBlockIndex()
    }

    private func checkBlockIndex() throws {
        let documentCount = UInt32(count)
        let indexOffset = UInt64(self.indexOffset)
        var index = ByteReader(body, offset: Int(indexOffset), file: name)
        var expectedOffset: UInt64 = 0
        var previous: StoredFieldsLayout.BlockEntry? = nil
        for block in 0...Int(blockCount) {
            // One step behind, so each block's document count (next first ID − first ID) is known.
            let entry: StoredFieldsLayout.BlockEntry
            if block < Int(blockCount) {
                entry = try StoredFieldsLayout.BlockEntry.decode(from: &index)
            } else {
                entry = .init(firstDocID: documentCount, offset: indexOffset, compressedSize: 0, rawSize: 0)
            }
            if let previous {
                // First IDs strictly increase (the sentinel's is documentCount), and a document
                // takes at least three raw bytes (length, id length, field count).
                guard entry.firstDocID > previous.firstDocID else {
                    throw FormatError.corrupt(file: name, reason: "block \(block) first document ID out of order")
                }
                let documents = UInt64(entry.firstDocID - previous.firstDocID)
                guard documents * UInt64(StoredFieldsLayout.minimumDocumentSize) <= UInt64(previous.rawSize) else {
                    throw FormatError.corrupt(
                        file: name,
                        reason: "block \(block - 1) cannot hold \(documents) documents in \(previous.rawSize) bytes"
                    )
                }
            }
            guard block < Int(blockCount) else { break }
            guard previous != nil || entry.firstDocID == 0, entry.firstDocID < documentCount,
                entry.offset == expectedOffset,
                UInt64(entry.rawSize) <= UInt64(entry.compressedSize) * UInt64(StoredFieldsLayout.maximumExpansion)
            else {
                throw FormatError.corrupt(file: name, reason: "block \(block) entry \(entry) is inconsistent")
            }
            previous = entry
            expectedOffset += UInt64(entry.compressedSize)
        }
        guard expectedOffset == indexOffset else {
            throw FormatError.corrupt(file: name, reason: "blocks end at \(expectedOffset), index at \(indexOffset)")
        }
    }

    /// The stored document with ID `docID`.
    ///
    /// - Parameter docID: a document ID in `0..<count`.
    /// - Returns: the document as it was added.
    /// - Throws: `FormatError.corrupt` if `docID` is out of range (a doc ID from a damaged
    ///   postings list) or the block is malformed; `FormatError.compression` if it does not inflate.
    /// - Complexity: O(log blocks) + inflating one block (skipped when the cache holds it).
    public func document(_ docID: UInt32) throws -> Document {
        try document(docID) { try inflatedBlock($0) }
    }

    /// The last block a sequential reader inflated, kept by the caller.
    public typealias BlockMemo = (block: Int, bytes: [UInt8])?

    /// The stored document with ID `docID`, for a caller that reads documents in order (a
    /// merge): inflated blocks go to `memo`, not to the cache shared by queries, so a merge
    /// reading every block of its inputs does not evict the blocks queries use.
    /// - Throws: as `document(_:)`.
    public func document(_ docID: UInt32, memo: inout BlockMemo) throws -> Document {
        try document(docID) { block in
            if let memo, memo.block == block { return memo.bytes }
            let bytes = try inflate(block)
            memo = (block, bytes)
            return bytes
        }
    }

    private func document(_ docID: UInt32, block inflated: (Int) throws -> [UInt8]) throws -> Document {
        guard Int(docID) < count else {
            throw FormatError.corrupt(file: name, reason: "document \(docID) out of range (\(count) documents)")
        }
        // Last block whose first ID is ≤ docID; block 0 starts at 0, so one exists.
        var low = 0
        var high = blockCount
        while low < high {
            let middle = (low + high) / 2
            if try entry(middle).firstDocID <= docID { low = middle + 1 } else { high = middle }
        }
        // verify() checks that block 0 starts at document 0 and that first IDs increase, but it
        // may not have run yet (`OpenChecks.structure`) and the mapping's bytes can change on
        // disk after it did: every use of an entry below checks it again.
        let block = low - 1
        guard block >= 0 else {
            throw FormatError.corrupt(file: name, reason: "no block holds document \(docID) (block 0 starts after it)")
        }
        let first = try entry(block).firstDocID
        guard first <= docID else {
            throw FormatError.corrupt(file: name, reason: "block \(block) starts at document \(first), after \(docID)")
        }
        let raw = try inflated(block)
        return try raw.withUnsafeBytes { bytes in
            var reader = ByteReader(bytes, file: name)
            for _ in first..<docID {
                let length = try reader.readVarintInt(limit: reader.remaining)
                try reader.seek(to: reader.offset + length)
            }
            let length = try reader.readVarintInt(limit: reader.remaining)
            var documentReader = ByteReader(try reader.readBytes(length), file: name)
            let document = try Document.decode(from: &documentReader)
            guard documentReader.isAtEnd else {
                throw FormatError.corrupt(file: name, reason: "document \(docID) has trailing bytes")
            }
            return document
        }
    }

    func entry(_ block: Int) throws -> StoredFieldsLayout.BlockEntry {
        var reader = ByteReader(body, offset: indexOffset + block * StoredFieldsLayout.entrySize, file: name)
        return try StoredFieldsLayout.BlockEntry.decode(from: &reader)
    }

    private func inflatedBlock(_ block: Int) throws -> [UInt8] {
        try cache.block(reader: serial, block: block) { try inflate(block) }
    }

    private func inflate(_ block: Int) throws -> [UInt8] {
        let (compressed, entry) = try compressedBlock(block)
        return try Zlib.decompress(compressed, originalSize: Int(entry.rawSize))
    }

    /// Block `block`'s compressed bytes, in the mapping, and its index entry.
    /// - Throws: `FormatError.corrupt` if the entry lies outside the blocks.
    func compressedBlock(_ block: Int) throws -> (UnsafeRawBufferPointer, StoredFieldsLayout.BlockEntry) {
        let entry = try entry(block)
        // verify() checks that blocks are contiguous, end at indexOffset and cannot inflate to
        // more than deflate allows, but may not have run yet (or the mapping changed since), so
        // check that this entry lies within the blocks and bounds the allocation.
        let blocksEnd = UInt64(indexOffset)
        guard entry.offset <= blocksEnd, UInt64(entry.compressedSize) <= blocksEnd - entry.offset,
            UInt64(entry.rawSize) <= UInt64(entry.compressedSize) * UInt64(StoredFieldsLayout.maximumExpansion)
        else {
            throw FormatError.corrupt(file: name, reason: "block \(block) entry \(entry) lies outside the blocks")
        }
        let start = Int(entry.offset)
        return (UnsafeRawBufferPointer(rebasing: body[start..<(start + Int(entry.compressedSize))]), entry)
    }
}
