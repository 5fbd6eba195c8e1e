import SouFormat

/// A segment as one snapshot sees it: the reader plus the deletions at that moment.
public struct SegmentView: Sendable {
    public let reader: SegmentReader
    /// nil when no document of the segment is deleted.
    public let deletions: DeletionBitmap?
    /// Per field, the statistics of live documents only: the segment's totals minus what the
    /// deletions carry (`DeletionBitmap.deletedStatistics`, kept up to date as documents are
    /// deleted), so making a view costs O(fields), not a pass over the norms.
    public let liveFieldStatistics: [FieldStatistics]

    /// - Complexity: O(fields) when `deletions` knows its statistics (every bitmap the index
    ///   writer keeps does); otherwise O(documentCount / 64 + deleted × fields) to count them.
    public init(reader: SegmentReader, deletions: DeletionBitmap?) {
        self.reader = reader
        var bitmap = deletions.flatMap { $0.deletedCount > 0 ? $0 : nil }
        if bitmap?.deletedStatistics == nil { bitmap?.countDeletedStatistics(norms: reader.norms) }
        self.deletions = bitmap
        liveFieldStatistics = Self.live(reader.meta.fieldStatistics, minus: bitmap?.deletedStatistics ?? [])
    }

    /// `total` minus `deleted`, field by field; a field never goes below zero (damaged
    /// statistics give a wrong score, never a trap).
    static func live(_ total: [FieldStatistics], minus deleted: [FieldStatistics]) -> [FieldStatistics] {
        var statistics = total
        for field in statistics.indices where field < deleted.count {
            let (length, lengthUnderflow) = statistics[field].totalLength.subtractingReportingOverflow(
                deleted[field].totalLength
            )
            let (count, countUnderflow) = statistics[field].documentCount.subtractingReportingOverflow(
                deleted[field].documentCount
            )
            statistics[field] = FieldStatistics(
                totalLength: lengthUnderflow ? 0 : length,
                documentCount: countUnderflow ? 0 : count
            )
        }
        return statistics
    }

    public var liveDocumentCount: Int { reader.documentCount - (deletions?.deletedCount ?? 0) }

    @inline(__always)
    public func isDeleted(_ doc: UInt32) -> Bool { deletions?.isDeleted(doc) ?? false }
}
