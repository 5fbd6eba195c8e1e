/// What a merge policy knows about one segment.
public struct MergeCandidate: Sendable, Equatable {
    public var name: String
    /// Bytes of the segment's files on disk.
    public var byteSize: Int
    /// Documents in the segment, deleted ones included.
    public var documentCount: Int
    /// Documents marked deleted.
    public var deletedCount: Int

    public init(name: String, byteSize: Int, documentCount: Int, deletedCount: Int) {
        self.name = name
        self.byteSize = byteSize
        self.documentCount = documentCount
        self.deletedCount = deletedCount
    }

    /// Fraction of documents that are deleted (0 for an empty segment).
    public var deletedRatio: Double {
        documentCount == 0 ? 0 : Double(deletedCount) / Double(documentCount)
    }

    /// The bytes the live documents take, estimated pro rata.
    public var liveBytes: Int {
        documentCount == 0 ? 0 : Int(Double(byteSize) * (1 - deletedRatio))
    }
}

/// Decides which segments to merge. A pure function of the segments: no I/O, no clock.
public protocol MergePolicy: Sendable {
    /// - Parameters:
    ///   - segments: every segment of the index, oldest first.
    ///   - merging: names of segments that running merges already use (never chosen again).
    ///   - runningMerges: how many merges are running now.
    /// - Returns: disjoint groups of segment names to merge, each into one new segment.
    func findMerges(segments: [MergeCandidate], merging: Set<String>, runningMerges: Int) -> [[String]]
}
