/// Counters of one index at one moment. `Index.stats()` reads them without an actor hop.
public struct IndexStats: Sendable, Equatable {
    /// Live (searchable, not deleted) documents in the current snapshot.
    public var documents: Int = 0
    /// Documents marked deleted in the snapshot's segments (dropped by the next merges).
    public var deletedDocuments: Int = 0
    /// Segments in the current snapshot.
    public var segments: Int = 0
    /// Bytes of the committed segment and deletion files.
    public var bytesOnDisk: Int = 0
    /// Bytes of the current write-ahead log file.
    public var walBytes: Int = 0
    /// Documents written but not yet searchable (waiting for the next refresh).
    public var bufferedDocuments: Int = 0
    /// How long opening the index took (manifest, mapping segments, WAL replay).
    public var openTime: Duration = .zero
    /// WAL records replayed at open.
    public var replayedRecords: Int = 0
    /// Bytes of torn or corrupt WAL tail ignored at open (0 after a clean shutdown).
    public var ignoredWALBytes: Int = 0
    /// Problems with the write-ahead log found at open (damage, a missing or empty live
    /// log), each also logged as a warning; 0 after a clean shutdown or a crash.
    public var walProblems: Int = 0
    /// When the last refresh published a snapshot (nil: none since open).
    public var lastRefresh: ContinuousClock.Instant?
    /// Refreshes (commits) since open.
    public var refreshes: Int = 0
    /// Merges finished since open.
    public var mergesDone: Int = 0
    /// Merges running now.
    public var mergesRunning: Int = 0
    /// The manifest generation (commits since the index was created).
    public var generation: UInt64 = 0
    /// Sequence number of the last WAL record written.
    public var lastSequence: UInt64 = 0

    public init() {}
}
