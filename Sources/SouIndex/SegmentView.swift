import SouFormat

/// A segment as one snapshot sees it: the reader plus the deletions at that moment.
public struct SegmentView: Sendable {
    public let reader: SegmentReader
    /// nil when no document of the segment is deleted.
    public let deletions: DeletionBitmap?
    /// Per field, the statistics of live documents only (deleted ones subtracted).
    public let liveFieldStatistics: [FieldStatistics]

    public init(reader: SegmentReader, deletions: DeletionBitmap?) {
        self.reader = reader
        let bitmap = deletions.flatMap { $0.deletedCount > 0 ? $0 : nil }
        self.deletions = bitmap
        var statistics = reader.meta.fieldStatistics
        if let bitmap {
            for doc in 0..<UInt32(reader.documentCount) where bitmap.isDeleted(doc) {
                for field in statistics.indices {
                    let length = reader.norms.length(doc: doc, field: field)
                    guard length > 0 else { continue }
                    statistics[field].totalLength -= UInt64(length)
                    statistics[field].documentCount -= 1
                }
            }
        }
        liveFieldStatistics = statistics
    }

    public var liveDocumentCount: Int { reader.documentCount - (deletions?.deletedCount ?? 0) }

    @inline(__always)
    public func isDeleted(_ doc: UInt32) -> Bool { deletions?.isDeleted(doc) ?? false }
}
