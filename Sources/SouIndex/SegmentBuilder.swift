import SouAnalysis
import SouFormat

/// Collects documents in memory and writes them as one immutable segment.
///
/// Call `add(_:)` for each document (doc IDs are 0, 1, 2, … in call order; ids must be
/// unique within one builder), then `write(to:name:)` once. Analysis happens in `add`,
/// so `write` only sorts terms and encodes.
public struct SegmentBuilder {
    /// The postings of one term, gathered in doc-ID order.
    private struct PendingPostings {
        var docIDs: [UInt32] = []
        var fieldLengths: [UInt32] = []
        /// `positions[positionEnds[i-1]..<positionEnds[i]]` are the positions in `docIDs[i]`.
        var positionEnds: [UInt32] = []
        var positions: [UInt32] = []
    }

    private let analyzer: Analyzer
    private var fieldNumbers: [String: UInt8] = [:]
    private var fieldNames: [String] = []
    private var fieldStatistics: [FieldStatistics] = []
    private var termSlots: [[UInt8]: Int] = [:]
    private var pending: [PendingPostings] = []
    private var lengths: [[UInt32]] = []
    private var documents: [Document] = []
    public private(set) var estimatedBytes = 0

    public init(analyzer: Analyzer = Analyzer()) {
        self.analyzer = analyzer
    }

    public var documentCount: Int { documents.count }

    /// Analyzes and buffers one document.
    /// - Throws: `IndexError.invalidDocument` if it breaks `DocumentRules` or the segment
    ///   would need more than 255 fields.
    public mutating func add(_ document: Document) throws {
        if let violation = DocumentRules.violation(in: document) { throw IndexError.invalidDocument(violation) }
        let docID = UInt32(documents.count)
        var docLengths = [UInt32](repeating: 0, count: fieldNames.count)
        for field in document.fields {
            let number = try fieldNumber(for: field.name)
            while docLengths.count <= Int(number) { docLengths.append(0) }
            let tokens = analyzer.tokens(field.value)
            var positionsByTerm: [String: [UInt32]] = [:]
            var length: UInt32 = 0
            for token in tokens {
                positionsByTerm[token.term, default: []].append(UInt32(token.position))
                length = max(length, UInt32(token.position + 1))
            }
            docLengths[Int(number)] = length
            if length > 0 {
                fieldStatistics[Int(number)].totalLength += UInt64(length)
                fieldStatistics[Int(number)].documentCount += 1
            }
            for (term, positions) in positionsByTerm {
                var key = [number]
                key.append(contentsOf: term.utf8)
                append(key: key, docID: docID, positions: positions, fieldLength: length)
            }
            estimatedBytes += field.value.utf8.count * 3 + tokens.count * 8
        }
        var idKey = [SegmentMeta.idFieldNumber]
        idKey.append(contentsOf: document.id.utf8)
        append(key: idKey, docID: docID, positions: [0], fieldLength: 1)
        lengths.append(docLengths)
        documents.append(document)
        estimatedBytes += document.id.utf8.count + 64
    }

    private mutating func fieldNumber(for name: String) throws -> UInt8 {
        if let number = fieldNumbers[name] { return number }
        guard fieldNames.count < DocumentRules.maxFieldsPerSegment else {
            throw IndexError.invalidDocument("more than \(DocumentRules.maxFieldsPerSegment) distinct fields in one segment")
        }
        let number = UInt8(fieldNames.count)
        fieldNumbers[name] = number
        fieldNames.append(name)
        fieldStatistics.append(FieldStatistics())
        return number
    }

    private mutating func append(key: [UInt8], docID: UInt32, positions: [UInt32], fieldLength: UInt32) {
        let slot: Int
        if let existing = termSlots[key] {
            slot = existing
        } else {
            slot = pending.count
            termSlots[key] = slot
            pending.append(PendingPostings())
            estimatedBytes += key.count + 96
        }
        pending[slot].docIDs.append(docID)
        pending[slot].fieldLengths.append(fieldLength)
        pending[slot].positions.append(contentsOf: positions)
        pending[slot].positionEnds.append(UInt32(pending[slot].positions.count))
    }

    /// Writes the segment's files `<name>.*` into `directory` and fsyncs each (not the directory).
    /// - Returns: the segment's manifest entry.
    /// - Throws: `FormatError.io` on write failures; a partially written segment is removed.
    public func write(to directory: String, name: String) throws -> SegmentInfo {
        let images = try encode()
        var written: [String] = []
        do {
            for (file, bytes) in images {
                let path = file.path(directory: directory, segment: name)
                try DurableFile.write(bytes, to: path, sync: true)
                written.append(path)
            }
        } catch {
            for path in written { unlinkQuietly(path) }
            unlinkQuietly(SegmentFile.allCases.map { $0.path(directory: directory, segment: name) })
            throw error
        }
        return SegmentInfo(
            name: name,
            documentCount: documents.count,
            byteSize: images.reduce(0) { $0 + $1.1.count },
            files: images.map { $0.0.fileName(segment: name) }
        )
    }

    /// Every file of the segment as a framed image, in `SegmentFile` order.
    func encode() throws -> [(SegmentFile, [UInt8])] {
        var postings = PostingsWriter()
        var dictionary = TermDictionaryWriter()
        let order = termSlots.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        for (key, slot) in order {
            let entry = pending[slot]
            postings.startTerm()
            var start = 0
            entry.positions.withUnsafeBufferPointer { allPositions in
                for index in entry.docIDs.indices {
                    let end = Int(entry.positionEnds[index])
                    postings.add(
                        docID: entry.docIDs[index],
                        positions: UnsafeBufferPointer(rebasing: allPositions[start..<end]),
                        fieldLength: entry.fieldLengths[index]
                    )
                    start = end
                }
            }
            try dictionary.add(key, postings.finishTerm())
        }
        let (postingsImage, positionsImage) = postings.finish()

        var stored = StoredFieldsWriter()
        for document in documents { try stored.add(document) }

        var norms = FieldNormsWriter(fieldCount: fieldNames.count)
        for var docLengths in lengths {
            while docLengths.count < fieldNames.count { docLengths.append(0) }
            norms.add(lengths: docLengths)
        }

        let meta = SegmentMeta(documentCount: documents.count, fieldNames: fieldNames, fieldStatistics: fieldStatistics)
        return [
            (.meta, meta.encode()),
            (.dictionary, dictionary.finish()),
            (.postings, postingsImage),
            (.positions, positionsImage),
            (.storedFields, try stored.finish()),
            (.fieldNorms, norms.finish()),
        ]
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
