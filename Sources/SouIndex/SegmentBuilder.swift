import SouAnalysis
import SouDocument
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
    /// Reused across calls so that `add` allocates only for new terms, not per token:
    /// the key being looked up, and the slots one field's tokens touched.
    private var keyScratch: [UInt8] = []
    private var touched: [Int] = []

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
            var length: UInt32 = 0
            touched.removeAll(keepingCapacity: true)
            // Tokens come in position order, so each term's positions arrive ascending; a term's
            // first token in this document opens its posting (keys are per field, so a slot
            // sees this document in one field only).
            for token in tokens {
                let slot = slot(field: number, term: token.term)
                let position = UInt32(token.position)
                let postings = pending[slot].docIDs.count
                if postings == 0 || pending[slot].docIDs[postings - 1] != docID {
                    pending[slot].docIDs.append(docID)
                    pending[slot].fieldLengths.append(0)  // the field's length is known at the end
                    pending[slot].positionEnds.append(0)
                    touched.append(slot)
                }
                pending[slot].positions.append(position)
                pending[slot].positionEnds[pending[slot].positionEnds.count - 1] = UInt32(pending[slot].positions.count)
                length = max(length, position + 1)
            }
            for index in 0..<touched.count {
                let slot = touched[index]
                pending[slot].fieldLengths[pending[slot].fieldLengths.count - 1] = length
            }
            docLengths[Int(number)] = length
            if length > 0 {
                fieldStatistics[Int(number)].totalLength += UInt64(length)
                fieldStatistics[Int(number)].documentCount += 1
            }
            estimatedBytes += field.value.utf8.count * 3 + tokens.count * 8
        }
        let idSlot = slot(field: SegmentMeta.idFieldNumber, term: document.id)
        pending[idSlot].docIDs.append(docID)
        pending[idSlot].fieldLengths.append(1)
        pending[idSlot].positions.append(0)
        pending[idSlot].positionEnds.append(UInt32(pending[idSlot].positions.count))
        lengths.append(docLengths)
        documents.append(document)
        estimatedBytes += document.id.utf8.count + 64
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
        return number
    }

    /// The slot of term `term` of field `field`, created (with empty postings) if new.
    private mutating func slot(field: UInt8, term: String) -> Int {
        keyScratch.removeAll(keepingCapacity: true)
        keyScratch.append(field)
        keyScratch.append(contentsOf: term.utf8)
        if let existing = termSlots[keyScratch] { return existing }
        let slot = pending.count
        termSlots[keyScratch] = slot
        pending.append(PendingPostings())
        estimatedBytes += keyScratch.count + 96
        return slot
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

    /// Every file of the segment as a framed image, in `SegmentFile` order.
    func encode() throws -> [(SegmentFile, [UInt8])] {
        var postings = PostingsWriter()
        var dictionary = TermDictionaryWriter()
        let order = termSlots.sorted { Self.precedes($0.key, $1.key) }
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

        var ids = IdColumnWriter()
        for document in documents { try ids.add(document.id) }

        let meta = SegmentMeta(documentCount: documents.count, fieldNames: fieldNames, fieldStatistics: fieldStatistics)
        return [
            (.meta, meta.encode()),
            (.dictionary, dictionary.finish()),
            (.postings, postingsImage),
            (.positions, positionsImage),
            (.storedFields, try stored.finish()),
            (.fieldNorms, norms.finish()),
            (.ids, ids.finish()),
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
