/// When an acknowledged write has reached stable storage.
public enum DurabilityPolicy: Sendable, Equatable {
    /// Group commit: `add`/`delete` return only after an fsync of the write-ahead log that
    /// covers their record. Concurrent writers share one fsync. Survives `kill -9` and power loss.
    case always
    /// Acknowledge once the record is written to the operating system (survives `kill -9`);
    /// the log is fsynced every `interval`, so a power loss can lose up to `interval` of writes.
    case batch(interval: Duration)
    /// Never fsync the log (the operating system writes it back when it likes). Survives
    /// `kill -9`, not power loss. Segments and manifests are still fsynced.
    case none
}

/// How an index behaves at run time: durability, refresh, buffering and merging.
///
/// These are not stored on disk; `IndexSettings` (per index, stored) holds what is.
public struct IndexOptions: Sendable {
    /// When writes are acknowledged (default: group commit with fsync).
    public var durability: DurabilityPolicy
    /// New documents become searchable within this interval (or at once after `commit()`).
    public var refreshInterval: Duration
    /// Background merge settings.
    public var mergePolicy: TieredMergePolicy.Settings
    /// Buffered documents that force a refresh before the interval ends.
    public var maxBufferedDocuments: Int
    /// Buffered bytes (estimated) that force a refresh before the interval ends.
    public var maxBufferedBytes: Int
    /// Threads that build the segments of one commit: a commit of at least
    /// `SegmentPartition.minimumBytes` per thread splits its documents into that many
    /// segments, built at once. Default: the processors this process may use.
    public var indexingThreads: Int
    /// The least bytes per part of a split commit (tests lower it to split small commits).
    var minimumPartBytes = SegmentPartition.minimumBytes
    /// Receives warnings worth an operator's attention (a torn WAL tail that was ignored,
    /// a merge that failed). Defaults to standard error.
    public var warningHandler: @Sendable (String) -> Void

    /// - Parameters:
    ///   - durability: when writes are acknowledged; default `.always` (group commit + fsync).
    ///   - refreshInterval: the near-real-time visibility bound; default 1 s.
    ///   - mergePolicy: tiered merge settings.
    ///   - maxBufferedDocuments: documents buffered before a refresh is forced; default 10 000.
    ///   - maxBufferedBytes: bytes buffered before a refresh is forced; default 64 MiB.
    ///   - indexingThreads: threads that build one commit's segments; default the active processors.
    ///   - warningHandler: where warnings go; default standard error.
    public init(
        durability: DurabilityPolicy = .always,
        refreshInterval: Duration = .seconds(1),
        mergePolicy: TieredMergePolicy.Settings = .init(),
        maxBufferedDocuments: Int = 10_000,
        maxBufferedBytes: Int = 64 << 20,
        indexingThreads: Int = IndexOptions.activeProcessors,
        warningHandler: @escaping @Sendable (String) -> Void = IndexOptions.printWarning
    ) {
        self.durability = durability
        self.refreshInterval = refreshInterval
        self.mergePolicy = mergePolicy
        self.maxBufferedDocuments = maxBufferedDocuments
        self.maxBufferedBytes = maxBufferedBytes
        self.indexingThreads = max(1, indexingThreads)
        self.warningHandler = warningHandler
    }

    /// The processors this process may run on (its CPU affinity), at least 1.
    public static var activeProcessors: Int { SystemCalls.activeProcessors }

    /// Writes `message` to standard error, one line.
    public static let printWarning: @Sendable (String) -> Void = { message in
        var line = Array("sou: warning: \(message)\n".utf8)
        line.withUnsafeMutableBytes { raw in _ = SystemCalls.writeToStandardError(raw) }
    }
}
