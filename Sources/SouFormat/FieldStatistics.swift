/// Per-field statistics for BM25's average field length: of a segment's documents (its
/// `.meta`, docs/FORMAT.md §11), of its deleted ones (deletions version 2, §8), or of its live
/// ones (the difference).
public struct FieldStatistics: Sendable, Equatable {
    /// Sum over documents of the field's length (its number of token positions).
    public var totalLength: UInt64
    /// Documents whose field has at least one token position.
    public var documentCount: UInt32

    public init(totalLength: UInt64 = 0, documentCount: UInt32 = 0) {
        self.totalLength = totalLength
        self.documentCount = documentCount
    }
}
