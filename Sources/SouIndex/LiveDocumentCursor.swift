import SouDocument
import SouFormat

/// Reads every live document of one `Snapshot`, chunk by chunk: segment by segment in
/// snapshot order, documents in doc-ID order, deleted documents skipped (`EXPORT`, backups).
///
/// The cursor holds its snapshot, so the segments it reads stay mapped (and their files on
/// disk) until it is gone, whatever commits and merges happen meanwhile: the documents are
/// those of one point in time. Memory is bounded whatever the index's size: stored blocks
/// are inflated one at a time into the cursor's own `BlockMemo` (as a merge reads them), not
/// into the block cache queries share, and a chunk stops after `maxBytes` of field text.
///
/// A value type: a copy carries its position, so a chunk can be read on another thread
/// and the advanced cursor handed back.
public struct LiveDocumentCursor: Sendable {
    /// The snapshot being read.
    public let snapshot: Snapshot
    /// The segment the next chunk starts in (`segments.count` once finished).
    public private(set) var segment = 0
    /// The doc ID within `segment` the next chunk starts at.
    public private(set) var doc: UInt32 = 0
    /// Live documents returned so far.
    public private(set) var returned = 0
    /// The last stored block inflated in `segment`.
    private var memo: StoredFieldsReader.BlockMemo = nil

    /// - Parameter snapshot: the snapshot to read; the cursor keeps it (and its segments) alive.
    public init(snapshot: Snapshot) {
        self.snapshot = snapshot
        skipEmptySegments()
    }

    /// Whether every document has been returned.
    public var isFinished: Bool { segment >= snapshot.segments.count }

    /// The next live documents.
    ///
    /// - Parameters:
    ///   - maxBytes: the chunk ends after the document that brings the UTF-8 bytes of its
    ///     ids and field values to at least this (so one document larger than it is one chunk).
    ///   - maxScanned: the chunk also ends after this many doc IDs, deleted or not, so that a
    ///     segment of mostly deleted documents does not make one chunk run for long.
    /// - Returns: the documents in order; empty only when the chunk scanned deleted documents
    ///   only, or the cursor is finished (`isFinished`).
    /// - Throws: `IndexError.corrupt` or `.io` when a stored block cannot be read; the cursor
    ///   is not advanced past the failing document.
    public mutating func next(maxBytes: Int, maxScanned: Int = 4_096) throws(IndexError) -> [Document] {
        var documents: [Document] = []
        var bytes = 0
        var scanned = 0
        while !isFinished, bytes < maxBytes, scanned < maxScanned {
            let view = snapshot.segments[segment]
            if !view.isDeleted(doc) {
                let document: Document
                do {
                    document = try view.reader.document(doc, memo: &memo)
                } catch {
                    throw IndexError.wrap(error)
                }
                bytes +=
                    document.id.utf8.count + document.fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
                documents.append(document)
            }
            scanned += 1
            doc += 1
            if Int(doc) >= view.reader.documentCount {
                segment += 1
                doc = 0
                memo = nil
                skipEmptySegments()
            }
        }
        returned += documents.count
        return documents
    }

    /// Moves past segments without documents (a segment always has some, but a cheap guard).
    private mutating func skipEmptySegments() {
        while segment < snapshot.segments.count, snapshot.segments[segment].reader.documentCount == 0 {
            segment += 1
        }
    }
}
