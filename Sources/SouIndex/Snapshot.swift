import SouDocument
import SouFormat

/// An immutable view of an index at one moment: the segments and their deletions.
///
/// Copying a snapshot retains its segment readers, so their mappings stay valid for as
/// long as any query holds it.
public struct Snapshot: Sendable {
    public let segments: [SegmentView]

    public init(segments: [SegmentView]) {
        self.segments = segments
    }

    public static let empty = Snapshot(segments: [])

    /// Documents that are not deleted, over all segments.
    public var liveDocumentCount: Int { segments.reduce(0) { $0 + $1.liveDocumentCount } }

    /// The live document with external id `id`, searching newest segments first.
    public func document(id: String) throws -> Document? {
        guard let (segment, doc) = try locate(id: id) else { return nil }
        return try segments[segment].reader.document(doc)
    }

    /// Where the live document with external id `id` is: (segment index, doc ID).
    public func locate(id: String) throws -> (Int, UInt32)? {
        for index in segments.indices.reversed() {
            let view = segments[index]
            if let doc = try view.reader.docID(forExternalID: id), !view.isDeleted(doc) { return (index, doc) }
        }
        return nil
    }
}
