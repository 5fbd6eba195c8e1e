import SouFormat
import Synchronization

/// Merges segments into one by merging what they hold, as tantivy's `IndexMerger` and
/// Lucene's `SegmentMerger` do: no document is re-analyzed. A `DocMap` per input numbers
/// the live documents (as the inputs' deletions stood when the merge started) after those of
/// the inputs before; then every file is written as it is produced:
///
/// - term dictionary, postings and positions: the inputs' dictionaries are walked side by
///   side in key order; each term's postings are the inputs' postings of it with deleted
///   documents dropped and doc IDs mapped (one term's postings in memory at a time);
/// - stored fields: a block whose documents are all live is copied compressed; the live
///   documents of any other block are re-compressed;
/// - norms, the id column and the statistics: copied per live document.
///
/// Memory is a constant (write buffers, one term's postings) plus 4 bytes per input document
/// (the doc maps). Every external id is live in at most one segment, so the inputs never hold
/// two live versions of a document.
public enum Merger {
    /// Merges `inputs` into a new segment as background merging does; public for Benchmarks/.
    /// - Returns: the new segment's reader, or nil if no input document is live.
    /// - Throws: on I/O errors or corrupt inputs; partial output files are removed.
    public static func merge(_ inputs: [SegmentView], into directory: String, name: String) throws -> SegmentReader? {
        try merge(inputs, directory: directory, name: name)?.reader
    }

    /// A written merged segment.
    struct Output: Sendable {
        var info: SegmentInfo
        var reader: SegmentReader
        /// One per input, in input order.
        var docMaps: [DocMap]
    }

    /// - Parameters:
    ///   - cancellation: checked between terms and documents; once cancelled the merge stops
    ///     and throws `CancellationError` (its files are removed).
    ///   - throttle: told every write, so that it can slow the merge down.
    /// - Returns: the new segment, or nil if no input document is live.
    /// - Throws: on I/O errors or corrupt inputs; partial output files are removed.
    static func merge(
        _ inputs: [SegmentView],
        directory: String,
        name: String,
        cancellation: MergeCancellation = .init(),
        throttle: MergeThrottle? = nil
    ) throws -> Output? {
        let plan = try MergePlan(inputs)
        guard plan.documentCount > 0 else { return nil }
        var writer = MergeWriter(
            plan: plan,
            directory: directory,
            name: name,
            cancellation: cancellation,
            throttle: throttle
        )
        let info: SegmentInfo
        do {
            info = try writer.write()
        } catch {
            writer.removeFiles()
            throw error
        }
        do {
            let reader = try SegmentReader(directory: directory, name: name)
            return Output(info: info, reader: reader, docMaps: plan.inputs.map(\.docMap))
        } catch {
            writer.removeFiles()
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

    /// - Throws: `CancellationError` once cancelled.
    func check() throws {
        if isCancelled { throw CancellationError() }
    }
}
