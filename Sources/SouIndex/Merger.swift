import SouFormat
import Synchronization

/// Merges segments into one: reads the live stored documents of the inputs (as their
/// deletion bitmaps stood when the merge started) and rebuilds them with `SegmentBuilder`.
///
/// Rebuilding from stored fields is simple and obviously correct (the merged segment is
/// exactly what indexing those documents afresh produces); it re-analyzes text, which costs
/// more CPU than merging postings directly. Every external id is live in at most one
/// segment, so the inputs never hold two live versions of a document.
public enum Merger {
    /// Merges `inputs` into a new segment as background merging does; public for Benchmarks/.
    /// - Returns: the new segment's reader, or nil if no input document is live.
    /// - Throws: on I/O errors or corrupt inputs; partial output files are removed.
    /// - Complexity: re-analyzes every live document of the inputs.
    public static func merge(_ inputs: [SegmentView], into directory: String, name: String) throws -> SegmentReader? {
        try merge(inputs, directory: directory, name: name)?.1
    }

    /// - Parameter cancellation: checked before each document; once cancelled the merge
    ///   stops and throws `CancellationError` (nothing is written).
    /// - Returns: the new segment's info and reader, or nil if no input document is live.
    /// - Throws: on I/O errors or corrupt inputs; partial output files are removed.
    static func merge(
        _ inputs: [SegmentView],
        directory: String,
        name: String,
        cancellation: MergeCancellation = .init()
    ) throws -> (SegmentInfo, SegmentReader)? {
        var builder = SegmentBuilder()
        for input in inputs {
            // In doc-ID order, one block at a time, outside the cache queries share.
            var memo: StoredFieldsReader.BlockMemo = nil
            for docID in 0..<UInt32(input.reader.documentCount) where !input.isDeleted(docID) {
                if cancellation.isCancelled { throw CancellationError() }
                try builder.add(try input.reader.document(docID, memo: &memo))
            }
        }
        if cancellation.isCancelled { throw CancellationError() }
        guard builder.documentCount > 0 else { return nil }
        let info = try builder.write(to: directory, name: name)
        do {
            return (info, try SegmentReader(directory: directory, name: name))
        } catch {
            for file in info.files { try? SystemCalls.removeFile(directory + "/" + file) }
            throw error
        }
    }
}

/// Lets `IndexWriter.close()` stop a running merge early (its output would be discarded).
final class MergeCancellation: Sendable {
    private let cancelled = Atomic<Bool>(false)

    init() {}

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}
