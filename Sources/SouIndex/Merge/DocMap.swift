/// Where each document of one merge input went in the merged segment (Lucene's
/// `MergeState.DocMap`): live documents keep their order and are numbered after those of
/// the inputs before; deleted ones (as the input's deletions stood when the merge started)
/// go nowhere.
public struct DocMap: Sendable {
    /// The merged doc ID of each input doc ID; `.max` for a document dropped as deleted.
    private let merged: [UInt32]

    /// - Parameters:
    ///   - base: the merged doc ID of the input's first live document.
    ///   - isDeleted: whether an input document was deleted when the merge started.
    init(documentCount: Int, base: UInt32, isDeleted: (UInt32) -> Bool) {
        var next = base
        merged = (0..<UInt32(documentCount)).map { doc in
            guard !isDeleted(doc) else { return .max }
            defer { next += 1 }
            return next
        }
        liveCount = Int(next - base)
    }

    /// Live documents of the input, i.e. documents of the merged segment that came from it.
    public let liveCount: Int

    /// The merged doc ID of input document `doc`, or nil if it was dropped.
    @inline(__always)
    public subscript(doc: UInt32) -> UInt32? {
        let id = merged[Int(doc)]
        return id == .max ? nil : id
    }
}
