import SouFormat

/// The in-memory inverted index of a segment being built: each term's postings as two byte
/// streams in one ``ByteSlicePool`` (Lucene's `FreqProxTermsWriter`).
///
/// - documents stream: per document, `docDelta: varint  frequency: varint`, written when
///   the document's field is finished (the frequency is known then);
/// - positions stream: per document, `positionDelta: varint` for each occurrence, written as
///   tokens arrive (the first delta of a document is from 0) — the layout of the positions file.
///
/// Per token: one hash lookup and a few bytes appended; no allocation unless the term is new.
struct PostingsInverter {
    /// The build state of one term.
    private struct TermState {
        var documentsStart: UInt32
        var documents: ByteSlicePool.Writer
        var positionsStart: UInt32
        var positions: ByteSlicePool.Writer
        /// The last document whose posting is written to the documents stream.
        var lastWrittenDoc: UInt32 = 0
        /// The document being added (its frequency is counted in `openFrequency`).
        var openDoc: UInt32 = .max
        var openFrequency: UInt32 = 0
        var lastPosition: UInt32 = 0
        var documentFrequency: UInt32 = 0
    }

    private var table = TermTable()
    private let pool: ByteSlicePool
    private var terms: [TermState] = []
    /// Terms touched by the open field, closed by `finishField`.
    private var touched: [Int32] = []

    /// - Parameter maxPoolBlocks: the pool's size limit in 32 KiB blocks (4 GiB; tests lower it).
    init(maxPoolBlocks: Int = .max) {
        pool = ByteSlicePool(maxBlocks: maxPoolBlocks)
    }

    /// The postings outgrew the pool's 4 GiB of addresses; what was added is lost.
    var isFull: Bool { pool.isFull }

    /// Records one occurrence of `term` in field `field` of document `docID` at `position`.
    /// Within one field of one document positions must strictly increase; documents must come
    /// in increasing order, and each (document, field) once.
    @inline(__always)
    mutating func add(field: UInt8, term: UnsafeBufferPointer<UInt8>, docID: UInt32, position: UInt32) {
        let (id, isNew) = table.id(field: field, term: term)
        if isNew {
            let documents = pool.newStream()
            let positions = pool.newStream()
            terms.append(
                TermState(
                    documentsStart: documents.address,
                    documents: documents,
                    positionsStart: positions.address,
                    positions: positions
                )
            )
        }
        if terms[id].openDoc != docID {
            terms[id].openDoc = docID
            terms[id].openFrequency = 0
            terms[id].lastPosition = 0
            touched.append(Int32(id))
        }
        pool.writeVarint(position &- terms[id].lastPosition, to: &terms[id].positions)
        terms[id].lastPosition = position
        terms[id].openFrequency += 1
    }

    /// Closes the postings of every term the open field touched.
    mutating func finishField() {
        for id in touched {
            let id = Int(id)
            let doc = terms[id].openDoc
            pool.writeVarint(doc &- terms[id].lastWrittenDoc, to: &terms[id].documents)
            pool.writeVarint(terms[id].openFrequency, to: &terms[id].documents)
            terms[id].lastWrittenDoc = doc
            terms[id].documentFrequency += 1
        }
        touched.removeAll(keepingCapacity: true)
    }

    /// Calls `body` for every term in dictionary order with its key and a reader of its postings.
    func forEachTermInOrder(_ body: (UnsafeBufferPointer<UInt8>, inout PostingsReader) throws -> Void) rethrows {
        precondition(touched.isEmpty, "a field is still open")
        for id in table.sortedIDs() {
            let state = terms[Int(id)]
            var reader = PostingsReader(
                documents: ByteSlicePool.Reader(pool: pool, start: state.documentsStart, end: state.documents.address),
                positions: ByteSlicePool.Reader(pool: pool, start: state.positionsStart, end: state.positions.address),
                documentFrequency: state.documentFrequency
            )
            try table.withKey(Int(id)) { key in try body(key, &reader) }
        }
    }

    /// One term's postings, read back in document order.
    struct PostingsReader {
        fileprivate var documents: ByteSlicePool.Reader
        fileprivate var positions: ByteSlicePool.Reader
        let documentFrequency: UInt32
        private var doc: UInt32 = 0

        fileprivate init(documents: ByteSlicePool.Reader, positions: ByteSlicePool.Reader, documentFrequency: UInt32) {
            self.documents = documents
            self.positions = positions
            self.documentFrequency = documentFrequency
        }

        /// The next document and its frequency, or nil; its positions stay encoded for
        /// `copyPositions(_:into:)`, which must be called before the next `nextDocument()`.
        mutating func nextDocument() -> (doc: UInt32, frequency: UInt32)? {
            guard !documents.isAtEnd else { return nil }
            doc &+= documents.readVarint()
            return (doc, documents.readVarint())
        }

        /// Appends the current document's `frequency` position deltas, as stored (varints).
        mutating func copyPositions(_ frequency: UInt32, into writer: inout ByteWriter) {
            for _ in 0..<frequency {
                var byte: UInt8
                repeat {
                    byte = positions.readByte()
                    writer.write(byte)
                } while byte >= 0x80
            }
        }
    }
}
