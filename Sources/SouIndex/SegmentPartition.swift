import Dispatch
import SouDocument
import Synchronization

/// How one commit's buffered documents become segments: split into contiguous parts, one
/// per indexing thread, built at the same time (Lucene's and tantivy's per-thread segment
/// writers, at commit time). A small commit stays one segment, so that a trickle of writes
/// does not multiply segments (and merges).
enum SegmentPartition {
    /// Each part holds at least this many buffered bytes (estimated).
    static let minimumBytes = 1 << 20

    /// The documents in at most `threads` contiguous parts of about equal size, each of at
    /// least `minimumBytes` (by the estimate `bytes` of them all); none if there are no documents.
    static func parts(
        of documents: [Document],
        bytes: Int,
        threads: Int,
        minimumBytes: Int = minimumBytes
    ) -> [ArraySlice<Document>] {
        guard !documents.isEmpty else { return [] }
        let count = max(1, min(threads, bytes / max(minimumBytes, 1), documents.count))
        return (0..<count).map { part in
            documents[documents.count * part / count..<documents.count * (part + 1) / count]
        }
    }

    /// Builds and writes segment `names[i]` from `parts[i]`, all parts at once, and opens them.
    /// - Returns: each segment's info and reader, in part order.
    /// - Throws: the first part's error; then no file of any part is left behind.
    static func build(
        _ parts: [ArraySlice<Document>],
        names: [String],
        directory: String
    ) throws -> [(SegmentInfo, SegmentReader)] {
        precondition(parts.count == names.count, "one name per part")
        let results = Mutex([Result<(SegmentInfo, SegmentReader), any Error>?](repeating: nil, count: parts.count))
        let buildOne: @Sendable (Int) -> Void = { part in
            let result = Result {
                var builder = SegmentBuilder()
                for document in parts[part] { try builder.add(document) }
                let info = try builder.write(to: directory, name: names[part])
                do {
                    return (info, try SegmentReader(directory: directory, name: names[part]))
                } catch {
                    unlinkQuietly(info.files.map { directory + "/" + $0 })
                    throw error
                }
            }
            results.withLock { $0[part] = result }
        }
        if parts.count == 1 {
            buildOne(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: parts.count, execute: buildOne)
        }
        let outcomes = results.withLock { $0 }.map { $0! }
        var built: [(SegmentInfo, SegmentReader)] = []
        var failure: (any Error)?
        for outcome in outcomes {
            switch outcome {
            case .success(let segment): built.append(segment)
            case .failure(let error): failure = failure ?? error
            }
        }
        if let failure {
            for (info, _) in built { unlinkQuietly(info.files.map { directory + "/" + $0 }) }
            throw failure
        }
        return built
    }
}
