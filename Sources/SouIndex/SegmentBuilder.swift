import SouAnalysis
import SouDocument
import SouFormat

/// Collects documents in memory and writes them as one immutable segment.
///
/// Call `add(_:)` for each document (doc IDs are 0, 1, 2, … in call order; ids must be
/// unique within one builder), then `write(to:name:)` once. Analysis happens in `add`,
/// so `write` only sorts terms and encodes.
public struct SegmentBuilder {
    private var tokens = TokenStream()
    private var inverter = PostingsInverter()
    private var fieldNumbers: [String: UInt8] = [:]
    private var fieldNames: [String] = []
    private var fieldStatistics: [FieldStatistics] = []
    /// `fieldLengths[field][doc]`: the field's length in positions (0 if absent).
    private var fieldLengths: [[UInt32]] = []
    private var documents: [Document] = []

    public init() {}

    /// A builder whose postings may hold `maxPoolBlocks` × 32 KiB (tests of the size limit).
    init(maxPoolBlocks: Int) {
        inverter = PostingsInverter(maxPoolBlocks: maxPoolBlocks)
    }

    public var documentCount: Int { documents.count }

    /// Analyzes and buffers one document.
    /// - Throws: `IndexError.invalidDocument` if it breaks `DocumentRules` or the segment
    ///   would need more than 255 fields.
    public mutating func add(_ document: Document) throws {
        if let violation = DocumentRules.violation(in: document) { throw IndexError.invalidDocument(violation) }
        let docID = UInt32(documents.count)
        for field in 0..<fieldLengths.count { fieldLengths[field].append(0) }
        for field in document.fields {
            let number = try fieldNumber(for: field.name)
            // Tokens come in position order, so each term's positions arrive ascending; keys
            // are per field, so a term sees this document in one field only.
            let length = tokens.forEachToken(in: field.value) { token in
                inverter.add(field: number, term: token.term, docID: docID, position: UInt32(token.position))
            }
            inverter.finishField()
            fieldLengths[Int(number)][Int(docID)] = UInt32(length)
            if length > 0 {
                fieldStatistics[Int(number)].totalLength += UInt64(length)
                fieldStatistics[Int(number)].documentCount += 1
            }
        }
        var id = document.id
        id.withUTF8 { inverter.add(field: SegmentMeta.idFieldNumber, term: $0, docID: docID, position: 0) }
        inverter.finishField()
        documents.append(document)
        if inverter.isFull { throw Self.tooLarge(documents.count) }
    }

    /// The in-memory postings of one segment are limited to 4 GiB (a merge of that size fails
    /// and is retried later; a refresh is far smaller).
    static func tooLarge(_ documents: Int) -> IndexError {
        .io("a segment of \(documents) documents has more than 4 GiB of postings to build in memory")
    }

    private mutating func fieldNumber(for name: String) throws -> UInt8 {
        if let number = fieldNumbers[name] { return number }
        guard fieldNames.count < DocumentRules.maxFieldsPerSegment else {
            throw IndexError.invalidDocument(
                "more than \(DocumentRules.maxFieldsPerSegment) distinct fields in one segment"
            )
        }
        let number = UInt8(fieldNames.count)
        fieldNumbers[name] = number
        fieldNames.append(name)
        fieldStatistics.append(FieldStatistics())
        fieldLengths.append([UInt32](repeating: 0, count: documents.count + 1))
        return number
    }

    /// Writes the segment's files `<name>.*` into `directory` and fsyncs each (not the
    /// directory). Each file is written as it is encoded (`FramedFileOutput`): no file is
    /// ever whole in memory.
    /// - Returns: the segment's manifest entry.
    /// - Throws: `FormatError.io` on write failures, `IndexError.io` if the postings outgrew
    ///   the pool; a partially written segment is removed.
    public func write(to directory: String, name: String) throws -> SegmentInfo {
        if inverter.isFull { throw Self.tooLarge(documents.count) }
        var created: [String] = []
        func output(_ file: SegmentFile, _ kind: FileKind) throws -> FramedFileOutput {
            let path = file.path(directory: directory, segment: name)
            created.append(path)
            return try FramedFileOutput(path: path, kind: kind)
        }
        do {
            var sizes: [SegmentFile: Int] = [:]
            let meta = SegmentMeta(
                documentCount: documents.count,
                fieldNames: fieldNames,
                fieldStatistics: fieldStatistics
            )
            let metaBytes = meta.encode()
            created.append(SegmentFile.meta.path(directory: directory, segment: name))
            try DurableFile.write(metaBytes, to: created[0], sync: true)
            sizes[.meta] = metaBytes.count
            (sizes[.dictionary], sizes[.postings], sizes[.positions]) = try writePostings(
                dictionary: try output(.dictionary, .termDictionary),
                postings: try output(.postings, .postings),
                positions: try output(.positions, .positions)
            )
            sizes[.storedFields] = try writeStoredFields(to: try output(.storedFields, .storedFields))
            sizes[.fieldNorms] = try writeNorms(to: try output(.fieldNorms, .fieldNorms))
            sizes[.ids] = try writeIds(to: try output(.ids, .idColumn))
            return SegmentInfo(
                name: name,
                documentCount: documents.count,
                byteSize: sizes.values.reduce(0, +),
                files: SegmentFile.allCases.map { $0.fileName(segment: name) }
            )
        } catch {
            unlinkQuietly(created)
            throw error
        }
    }

    /// Unsigned byte order of dictionary keys (memcmp, then the shorter first).
    static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                let shared = min(left.count, right.count)
                if shared > 0, let l = left.baseAddress, let r = right.baseAddress {
                    let order = memcmp(l, r, shared)
                    if order != 0 { return order < 0 }
                }
                return left.count < right.count
            }
        }
    }

    /// Encoded bytes a writer buffers before handing them to its file.
    private static let drainThreshold = 1 << 20

    private func writePostings(
        dictionary dictionaryFile: FramedFileOutput,
        postings postingsFile: FramedFileOutput,
        positions positionsFile: FramedFileOutput
    ) throws -> (Int, Int, Int) {
        var postings = PostingsWriter()
        var dictionary = TermDictionaryWriter()
        try inverter.forEachTermInOrder { key, reader in
            let field = Int(key[0])
            postings.startTerm()
            while let (docID, frequency) = reader.nextDocument() {
                let fieldLength = field == Int(SegmentMeta.idFieldNumber) ? 1 : fieldLengths[field][Int(docID)]
                // The positions stream already holds the positions file's deltas: copied, not re-encoded.
                postings.add(docID: docID, frequency: frequency, fieldLength: fieldLength) { writer in
                    reader.copyPositions(frequency, into: &writer)
                }
            }
            try dictionary.add(key, postings.finishTerm())
            if postings.bufferedBytes >= Self.drainThreshold {
                try postings.drain(postingsTo: postingsFile, positionsTo: positionsFile)
            }
            if dictionary.bufferedBytes >= Self.drainThreshold { try dictionary.drain(to: dictionaryFile) }
        }
        let (postingsSize, positionsSize) = try postings.finish(postingsTo: postingsFile, positionsTo: positionsFile)
        return (try dictionary.finish(to: dictionaryFile), postingsSize, positionsSize)
    }

    private func writeStoredFields(to file: FramedFileOutput) throws -> Int {
        var stored = StoredFieldsWriter()
        for document in documents {
            try stored.add(document)
            if stored.bufferedBytes >= Self.drainThreshold { try stored.drain(to: file) }
        }
        return try stored.finish(to: file)
    }

    private func writeNorms(to file: FramedFileOutput) throws -> Int {
        var norms = try FieldNormsWriter.Streaming(
            fieldCount: fieldNames.count,
            documentCount: documents.count,
            file: file
        )
        for field in fieldLengths.indices {
            for length in fieldLengths[field].prefix(documents.count) { try norms.add(length) }
        }
        return try norms.finish()
    }

    private func writeIds(to file: FramedFileOutput) throws -> Int {
        var ids = try IdColumnWriter.Streaming(count: documents.count, file: file)
        for document in documents { try ids.addLength(document.id.utf8.count) }
        for document in documents {
            var id = document.id
            try id.withUTF8 { try ids.addBytes(UnsafeRawBufferPointer($0)) }
        }
        return try ids.finish()
    }
}

#if canImport(Glibc)
import Glibc
#endif

func unlinkQuietly(_ paths: [String]) {
    for path in paths { unlinkQuietly(path) }
}

func unlinkQuietly(_ path: String) {
    _ = unlink(path)
}
