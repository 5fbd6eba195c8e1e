import SouDocument

/// Writes a segment's stored fields: each document's id and original field values, in
/// zlib-compressed blocks with an index for random access by document ID.
///
/// Call `add(_:)` once per document in document-ID order (IDs are implicit: 0, 1, 2, …), then
/// `finish()`. Documents are appended to a raw block, each prefixed with its byte length; when
/// the block reaches `blockSize` bytes it is compressed and a new one begins (so a document
/// larger than `blockSize` gets a block of its own). Layout (docs/FORMAT.md §6):
///
///     body     := compressedBlock*  blockEntry[blockCount]  documentCount: u32  blockCount: u32  indexOffset: u64
///     rawBlock := (documentLength: varint  id: string  fieldCount: varint  (name: string  value: string)*)*
public struct StoredFieldsWriter {
    /// Uncompressed bytes per block before it is compressed: 16 KiB holds a few typical
    /// documents, compresses well, and inflates in tens of microseconds for one `GET`.
    public let blockSize: Int
    /// zlib level, 0…9.
    public let level: Int32

    private var body = ByteWriter()
    /// Bytes of the body already handed to a `FramedFileOutput` by `drain(to:)`.
    private var drained = 0
    private var entries: [StoredFieldsLayout.BlockEntry] = []
    private var block = ByteWriter()
    private var scratch = ByteWriter()
    /// One deflate stream for every block of the segment.
    private let deflater: Deflater
    private var blockFirstDocID: UInt32 = 0
    private var documentCount: UInt32 = 0

    /// - Parameters:
    ///   - blockSize: uncompressed bytes that close a block (at least 1).
    ///   - level: zlib compression level, 0 (store) … 9 (smallest).
    public init(blockSize: Int = 16 * 1024, level: Int32 = 6) {
        precondition(blockSize >= 1, "blockSize must be positive")
        self.blockSize = blockSize
        self.level = level
        self.deflater = Deflater(level: level)
    }

    /// Number of documents added so far (the next document's ID).
    public var count: Int { Int(documentCount) }

    /// Appends the next document (its ID is `count` before the call).
    ///
    /// - Throws: `FormatError.compression` if zlib fails, `FormatError.corrupt` if the segment
    ///   would exceed `UInt32.max` documents or a block `UInt32.max` bytes.
    public mutating func add(_ document: Document) throws {
        guard documentCount < UInt32.max else {
            throw FormatError.corrupt(file: "stored fields (writing)", reason: "too many documents")
        }
        scratch.removeAll()
        document.encode(into: &scratch)
        block.writeVarint(scratch.count)
        block.write(bytes: scratch.bytes)
        documentCount += 1
        if block.count >= blockSize { try flushBlock() }
    }

    /// Appends `documents` documents as one block compressed elsewhere (a merge copying a
    /// block of an input segment whose documents are all live): no inflation, no deflation.
    /// The open block, if any, is compressed first, so blocks stay in document order.
    ///
    /// - Parameters:
    ///   - compressed: the block as zlib stored it; it must inflate to `rawSize` bytes
    ///     holding exactly `documents` length-prefixed documents (the caller copies it from a
    ///     checked segment; readers check it again when they inflate it).
    /// - Throws: as `add(_:)`.
    public mutating func addCompressedBlock(
        _ compressed: UnsafeRawBufferPointer,
        rawSize: UInt32,
        documents: UInt32
    ) throws {
        precondition(documents > 0, "a block holds at least one document")
        guard UInt64(documentCount) + UInt64(documents) <= UInt64(UInt32.max), compressed.count <= Int(UInt32.max)
        else {
            throw FormatError.corrupt(file: "stored fields (writing)", reason: "too many documents")
        }
        if block.count > 0 { try flushBlock() }
        entries.append(
            .init(
                firstDocID: documentCount,
                offset: UInt64(drained + body.count),
                compressedSize: UInt32(compressed.count),
                rawSize: rawSize
            )
        )
        body.write(bytes: compressed)
        documentCount += documents
        blockFirstDocID = documentCount
    }

    /// Bytes compressed but not yet drained to a file (the open block not counted).
    public var bufferedBytes: Int { body.count }

    /// Hands the compressed blocks so far to `file`; a writer of a large segment keeps only
    /// the open block and the block index (24 bytes per block) in memory.
    public mutating func drain(to file: FramedFileOutput) throws {
        drained += body.count
        try file.drain(&body)
    }

    /// The complete framed file (kind `.storedFields`). Compresses the last partial block.
    /// Only for a writer that was never drained.
    ///
    /// - Throws: `FormatError.compression` if zlib fails.
    public mutating func finish() throws -> [UInt8] {
        precondition(drained == 0, "finish() after drain(to:): use finish(to:)")
        if block.count > 0 { try flushBlock() }
        var out = body
        appendIndex(to: &out)
        return FileFraming.frame(out.bytes, kind: .storedFields)
    }

    /// Compresses the last partial block, writes the rest of the body and the block index to
    /// `file` and finishes it.
    /// - Returns: the file's size.
    public mutating func finish(to file: FramedFileOutput) throws -> Int {
        if block.count > 0 { try flushBlock() }
        try drain(to: file)
        var index = ByteWriter()
        appendIndex(to: &index)
        try file.drain(&index)
        return try file.finish()
    }

    private func appendIndex(to out: inout ByteWriter) {
        let indexOffset = drained + out.count
        for entry in entries { entry.encode(into: &out) }
        out.write(documentCount)
        out.write(UInt32(entries.count))
        out.write(UInt64(indexOffset))
    }

    private mutating func flushBlock() throws {
        guard block.count <= Int(UInt32.max) else {
            throw FormatError.corrupt(file: "stored fields (writing)", reason: "block of \(block.count) bytes")
        }
        let compressed = try deflater.compress(block.bytes)
        guard compressed.count <= Int(UInt32.max) else {
            throw FormatError.compression(reason: "compressed block of \(compressed.count) bytes")
        }
        entries.append(
            .init(
                firstDocID: blockFirstDocID,
                offset: UInt64(drained + body.count),
                compressedSize: UInt32(compressed.count),
                rawSize: UInt32(block.count)
            )
        )
        body.write(bytes: compressed)
        block.removeAll()
        blockFirstDocID = documentCount
    }
}
