import SouFormat

/// Walks every postings list of the segment: the checks `PostingsCursor` makes while decoding
/// (docs/FORMAT.md §3.5), plus what only the whole segment can tell — the dictionary's
/// document and term frequencies, doc IDs below the document count, positions below the
/// field length from the norms, the skip entries' bounds (block-max frequency, minimum field
/// length, impacts) against the documents they cover, positions offsets that tile the
/// positions file, and `_id` terms that name their document.
extension SegmentChecker {
    /// What the cursor reported for the block it is in (read when it enters the block).
    struct BlockBound {
        var lastDoc: UInt32
        var maxFrequency: UInt32
        var minFieldLength: UInt32
        var impacts: BlockImpacts
    }

    mutating func checkPostings() {
        guard let meta, let dictionary, let postings else {
            report.termCount = dictionary?.count ?? 0
            return
        }
        let positionsFile = postings.positionsFile.bytes
        let positionsBody = UnsafeRawBufferPointer(
            rebasing: positionsFile[FileFraming.headerSize..<(positionsFile.count - FileFraming.footerSize)]
        )
        var previous: (key: [UInt8], info: TermInfo)?
        var terms = 0
        var positions: [UInt32] = []
        do {
            try dictionary.enumerate(prefix: []) { key, info in
                terms += 1
                if let previous {
                    if !previous.key.lexicographicallyPrecedes(key) {
                        report.add(
                            problem: "\(dictionaryName): term \(describe(key)) does not sort after the one before"
                        )
                    }
                    if info.postingsOffset <= previous.info.postingsOffset {
                        report.add(
                            problem: "\(dictionaryName): postings of \(describe(key)) start before the previous term's"
                        )
                    }
                    checkPositionsSpan(of: previous.key, previous.info, end: info.positionsOffset, positionsBody)
                }
                checkTerm(key, info, meta: meta, postings: postings, positions: &positions)
                previous = (key, info)
                return true
            }
        } catch {
            report.add(problem: "\(error)")
            return
        }
        if let previous {
            checkPositionsSpan(of: previous.key, previous.info, end: UInt64(positionsBody.count), positionsBody)
        } else if !positionsBody.isEmpty {
            report.add(problem: "\(positionsName): \(positionsBody.count) bytes of positions but no terms")
        }
        report.termCount = terms
        if terms != dictionary.count {
            report.add(problem: "\(dictionaryName): \(terms) terms read, its trailer says \(dictionary.count)")
        }
    }

    private var dictionaryName: String { SegmentFile.dictionary.fileName(segment: entry.name) }
    private var postingsName: String { SegmentFile.postings.fileName(segment: entry.name) }
    private var positionsName: String { SegmentFile.positions.fileName(segment: entry.name) }

    /// `body:大同`, `_id:doc-7`, or `field#9:…` for a field number the meta does not know.
    func describe(_ key: [UInt8]) -> String {
        guard let field = key.first else { return "(empty key)" }
        let text = String(decoding: key.dropFirst(), as: UTF8.self)
        if field == SegmentMeta.idFieldNumber { return "_id:\(text)" }
        if let meta, Int(field) < meta.fieldNames.count { return "\(meta.fieldNames[Int(field)]):\(text)" }
        return "field#\(field):\(text)"
    }

    /// A term's positions are the bytes from its `positionsOffset` to the next term's: one
    /// varint per position, so exactly `totalTermFrequency` varints. Writers write terms in
    /// key order, so the offsets grow with the keys and tile the file.
    private mutating func checkPositionsSpan(
        of key: [UInt8],
        _ info: TermInfo,
        end: UInt64,
        _ body: UnsafeRawBufferPointer
    ) {
        guard info.positionsOffset <= end, end <= UInt64(body.count) else {
            report.add(
                problem: "\(positionsName): positions of \(describe(key)) span \(info.positionsOffset)..<\(end), "
                    + "outside 0..<\(body.count) or before the next term's"
            )
            return
        }
        var varints: UInt64 = 0
        for offset in Int(info.positionsOffset)..<Int(end) where body[offset] < 0x80 { varints += 1 }
        if varints != info.totalTermFrequency {
            report.add(
                problem: "\(positionsName): \(describe(key)) has \(varints) positions on disk, "
                    + "its frequencies sum to \(info.totalTermFrequency)"
            )
        }
    }

    private mutating func checkTerm(
        _ key: [UInt8],
        _ info: TermInfo,
        meta: SegmentMeta,
        postings: PostingsReader,
        positions: inout [UInt32]
    ) {
        let term = describe(key)
        let field = key.first ?? 0
        let isID = field == SegmentMeta.idFieldNumber
        if key.count < 2 {
            report.add(problem: "\(dictionaryName): an empty term \(term)")
        } else if !isID && Int(field) >= meta.fieldNames.count {
            report.add(
                problem:
                    "\(dictionaryName): \(term) is in field number \(field), the segment has \(meta.fieldNames.count) fields"
            )
        }
        guard info.documentFrequency > 0 else {
            report.add(problem: "\(dictionaryName): \(term) has no documents")
            return
        }
        if isID && info.documentFrequency != 1 {
            report.add(problem: "\(term): \(info.documentFrequency) documents have this id, one expected")
        }
        let documents = UInt32(clamping: meta.documentCount)
        var cursor = postings.cursor(for: info)
        var count: UInt32 = 0
        var totalFrequency: UInt64 = 0
        var previousDoc: UInt32?
        var block: BlockBound?
        walk: while cursor.doc != PostingsCursor.noMoreDocs {
            let doc = cursor.doc
            if count % UInt32(BitPacking.blockSize) == 0 {
                block = BlockBound(
                    lastDoc: cursor.blockLastDoc,
                    maxFrequency: cursor.blockMaxFrequency,
                    minFieldLength: cursor.blockMinFieldLength,
                    impacts: cursor.blockImpacts
                )
            }
            let frequency = cursor.frequency
            cursor.positions(into: &positions)
            if cursor.isCorrupt { break }
            var problems: [String] = []
            if let previousDoc, doc <= previousDoc { problems.append("doc \(doc) after doc \(previousDoc)") }
            if doc >= documents { problems.append("doc \(doc), the segment has \(documents) documents") }
            if positions.count != Int(frequency) {
                problems.append("doc \(doc): frequency \(frequency) but \(positions.count) positions")
            }
            if zip(positions, positions.dropFirst()).contains(where: { $0 >= $1 }) {
                problems.append("doc \(doc): positions do not increase")
            }
            if frequency > cursor.maxFrequency || frequency > (block?.maxFrequency ?? 0) {
                problems.append("doc \(doc): frequency \(frequency) is above the term's or block's maximum")
            }
            if let length = fieldLength(of: doc, field: field, documents: documents) {
                problems += boundProblems(doc: doc, frequency: frequency, length: length, block, cursor, positions)
            }
            if isID, key.count > 1, let ids, doc < documents {
                let id = String(decoding: key.dropFirst(), as: UTF8.self)
                if let stored = try? ids.id(doc), stored != id {
                    problems.append("names doc \(doc), whose id is \(stored)")
                }
            }
            if let first = problems.first {
                // One line per term: the first wrong document says enough, the rest would repeat it.
                report.add(problem: "\(postingsName): \(term): \(first)")
                return
            }
            count += 1
            totalFrequency += UInt64(frequency)
            previousDoc = doc
            let last = cursor.next()
            let endsBlock = count % UInt32(BitPacking.blockSize) == 0 || last == PostingsCursor.noMoreDocs
            if endsBlock, !cursor.isCorrupt, let block, block.lastDoc != doc {
                report.add(
                    problem:
                        "\(postingsName): \(term): a block ends at doc \(doc), its skip entry says \(block.lastDoc)"
                )
                break walk
            }
        }
        report.postingCount += Int(count)
        report.positionCount += Int(totalFrequency)
        if cursor.isCorrupt {
            report.add(
                problem: "\(postingsName): \(term): postings do not decode consistently with the dictionary "
                    + "(document frequency \(info.documentFrequency)); decoding stopped after \(count) documents"
            )
            return
        }
        if count != info.documentFrequency {
            report.add(
                problem: "\(postingsName): \(term) has \(count) postings, the dictionary says \(info.documentFrequency)"
            )
        }
        if totalFrequency != info.totalTermFrequency {
            report.add(
                problem: "\(dictionaryName): \(term): frequencies sum to \(totalFrequency), "
                    + "the dictionary says \(info.totalTermFrequency)"
            )
        }
    }

    /// The field length a document's postings are bounded by: 1 for `_id` terms, else the
    /// norm; nil when the norms cannot tell (missing or damaged file, unknown field).
    private func fieldLength(of doc: UInt32, field: UInt8, documents: UInt32) -> UInt32? {
        if field == SegmentMeta.idFieldNumber { return 1 }
        guard let norms, doc < documents, Int(field) < norms.fieldCount else { return nil }
        return norms.length(doc: doc, field: Int(field))
    }

    /// Positions below the field length; the field length and frequency within the term's and
    /// the block's bounds, and under one of the block's impacts (postings version 2).
    private func boundProblems(
        doc: UInt32,
        frequency: UInt32,
        length: UInt32,
        _ block: BlockBound?,
        _ cursor: PostingsCursor,
        _ positions: [UInt32]
    ) -> [String] {
        var problems: [String] = []
        if length == 0 {
            problems.append("doc \(doc) holds the term, but its field length (norm) is 0")
        } else if let last = positions.last, last >= length {
            problems.append("doc \(doc): position \(last) is not below the field length \(length)")
        }
        if length < cursor.minFieldLength || length < (block?.minFieldLength ?? 0) {
            problems.append("doc \(doc): field length \(length) is below the term's or block's minimum")
        }
        if let impacts = block?.impacts, impacts.count > 0,
            !(0..<impacts.count).contains(where: {
                impacts[$0].frequency >= frequency && impacts[$0].fieldLength <= length
            })
        {
            problems.append(
                "doc \(doc): (frequency \(frequency), field length \(length)) is under none of the block's impacts"
            )
        }
        return problems
    }
}
