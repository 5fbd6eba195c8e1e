import NIOCore
import NIOPosix
import SouDocument
import SouIndex
import SouProtocol
import SouQuery

/// `SearchBackend` over the real engine: an `IndexCatalog` for writes and index management,
/// a `Searcher` over the index's current snapshot for reads (no actor hop on the query path).
///
/// Searches, counts and document reads are CPU-bound and synchronous, so they run on
/// `searchPool` (`search_threads` threads), not on Swift's cooperative pool: a few heavy
/// queries must not stall PING, the index writers or write acknowledgements, which all need
/// the cooperative threads. Only a search known to be tiny (`inlinePostings`, no stored
/// documents to read) runs in place, since the hand-off would cost more than it. Queued work waits for a search thread; its query deadline keeps
/// running meanwhile, so a query that waited past it times out as soon as it starts.
public final class CatalogBackend: SearchBackend {
    let catalog: IndexCatalog
    /// BM25 k1 and b of every search (`bm25_k1`, `bm25_b`).
    let parameters: BM25Parameters
    /// The threads that run searches; started by `init`, shut down by `close()`.
    let searchPool: NIOThreadPool
    /// How far a `SEARCH` without `total=` counts exactly (`total_threshold`).
    let totalThreshold: Int
    /// A search of at most this many postings that reads no stored document runs where the
    /// request arrived (tens of microseconds), not on a search thread (`Searcher.isCheap`).
    static let inlinePostings = 8_192

    /// Opens (creating if needed) the data directory with the configured options.
    ///
    /// - Throws: `IndexError` (e.g. `.locked` when another process holds the directory).
    public static func open(
        _ configuration: Configuration,
        warning: @escaping @Sendable (String) -> Void
    ) async throws
        -> CatalogBackend
    {
        let durability: DurabilityPolicy
        switch configuration.durability {
        case "batch": durability = .batch(interval: .milliseconds(configuration.batchIntervalMilliseconds))
        case "none": durability = .none
        default: durability = .always
        }
        let options = IndexOptions(
            durability: durability,
            refreshInterval: .milliseconds(configuration.refreshIntervalMilliseconds),
            mergePolicy: configuration.mergeSettings,
            maxBufferedDocuments: configuration.maxBufferedDocuments,
            indexingThreads: configuration.indexingThreads > 0
                ? configuration.indexingThreads : IndexOptions.activeProcessors,
            warningHandler: warning
        )
        let parameters = BM25Parameters(k1: Float(configuration.bm25K1), b: Float(configuration.bm25B))
        let catalog = try await IndexCatalog(dataDirectory: configuration.dataDirectory, options: options)
        return CatalogBackend(
            parameters: parameters,
            catalog: catalog,
            searchThreads: configuration.effectiveSearchThreads,
            totalThreshold: configuration.totalThreshold
        )
    }

    /// - Parameters:
    ///   - searchThreads: size of the search pool (at least one is started).
    ///   - totalThreshold: see `totalThreshold`.
    init(
        parameters: BM25Parameters = .init(),
        catalog: IndexCatalog,
        searchThreads: Int = 1,
        totalThreshold: Int = SearchOptions.defaultTotalThreshold
    ) {
        self.parameters = parameters
        self.totalThreshold = totalThreshold
        self.catalog = catalog
        searchPool = NIOThreadPool(numberOfThreads: max(1, searchThreads))
        searchPool.start()
    }

    private func index(_ name: String) throws -> Index {
        if let unusable = catalog.unusableIndexes()[name] {
            throw ProtocolError(.corrupt, "index '\(name)' is not served: \(unusable); DROP it or restore it")
        }
        guard let index = catalog.index(named: name) else {
            throw ProtocolError(.noIndex, "no index named '\(name)'; see INDEXES or CREATE it")
        }
        if let failure = index.outOfService {
            throw ProtocolError(
                .corrupt,
                "index '\(name)' is out of service: \(failure); DROP it, or restore it and restart soud"
            )
        }
        return index
    }

    /// Runs a write on the index `name`. A `DROP` (and maybe a new `CREATE`) of it while the
    /// write waited closes the index under it: that is `NO_INDEX`, as for any later request,
    /// not `SHUTTING_DOWN` (the daemon is not stopping).
    private func writing<T>(_ name: String, _ write: (Index) async throws -> T) async throws -> T {
        let index = try index(name)
        do {
            return try await write(index)
        } catch IndexError.closed where catalog.index(named: name) !== index && !catalog.isClosed {
            throw ProtocolError(.noIndex, "index '\(name)' was dropped while the request waited")
        }
    }

    private func searcher(_ name: String) throws -> Searcher {
        let index = try index(name)
        return Searcher(snapshot: index.snapshot(), parameters: parameters, boosts: index.settings.boosts)
    }

    public func indexNames() -> [String] { (catalog.names() + catalog.unusableIndexes().keys).sorted() }

    public func hasIndex(_ index: String) -> Bool {
        catalog.index(named: index) != nil || catalog.unusableIndexes()[index] != nil
    }

    public func search(
        index: String,
        _ parameters: SearchParameters,
        deadline: ContinuousClock.Instant
    ) async throws
        -> SearchOutcome
    {
        let threshold: Int?
        switch parameters.total {
        case .exact: threshold = nil
        case .upTo(let count): threshold = count
        case nil: threshold = totalThreshold
        }
        let options = SearchOptions(
            limit: parameters.limit,
            offset: parameters.offset,
            fields: parameters.fields.isEmpty ? nil : parameters.fields,
            snippets: parameters.snippets,
            highlight: Highlight(open: parameters.highlightOpen, close: parameters.highlightClose),
            deadline: deadline,
            totalThreshold: threshold
        )
        let searcher = try searcher(index)
        let query = parameters.query
        let result: SearchResult
        if searcher.isCheap(query, options: options, budget: Self.inlinePostings) {
            // No hand-off: a few thousand postings take less than the trip to a search thread.
            result = try searcher.search(query, options: options)
        } else {
            result = try await searchPool.runIfActive { try searcher.search(query, options: options) }
        }
        return SearchOutcome(
            total: result.total,
            totalIsExact: result.totalIsExact,
            hits: result.hits.map { hit in
                SearchOutcome.Hit(
                    id: hit.id,
                    score: hit.score,
                    snippet: hit.snippet,
                    fields: hit.fields.map { (name: $0.name, value: $0.value) }
                )
            }
        )
    }

    public func count(index: String, query: String, deadline: ContinuousClock.Instant) async throws -> Int {
        let searcher = try searcher(index)
        if searcher.isCheap(query, options: SearchOptions(snippets: false), budget: Self.inlinePostings) {
            return try searcher.count(query, deadline: deadline)
        }
        return try await searchPool.runIfActive { try searcher.count(query, deadline: deadline) }
    }

    public func document(index: String, id: String) async throws -> ProtocolDocument? {
        // Reading a stored document decompresses a block: also off the cooperative pool.
        let searcher = try searcher(index)
        guard let document = try await searchPool.runIfActive({ try searcher.document(id: id) }) else { return nil }
        return ProtocolDocument(id: document.id, fields: document.fields.map { (name: $0.name, value: $0.value) })
    }

    public func export(index: String) throws -> any DocumentExport {
        SnapshotExport(cursor: LiveDocumentCursor(snapshot: try self.index(index).snapshot()), pool: searchPool)
    }

    public func add(index: String, _ documents: [ProtocolDocument]) async throws {
        let converted = documents.map { document in
            Document(id: document.id, fields: document.fields.map { Document.Field(name: $0.name, value: $0.value) })
        }
        try await writing(index) { try await $0.add(converted) }
    }

    public func delete(index: String, ids: [String]) async throws -> Int {
        try await writing(index) { try await $0.delete(ids: ids) }
    }

    public func commit(index: String) async throws {
        try await writing(index) { try await $0.commit() }
    }

    public func verify(index name: String) async throws -> Int {
        let index = try index(name)
        do {
            return try await index.verify(force: true)
        } catch let error as IndexError {
            guard case .corrupt = error else { throw error }
            throw ProtocolError(
                .corrupt,
                "index '\(name)' is out of service: \(error); DROP it, or restore it and restart soud"
            )
        }
    }

    public func startBackgroundVerification(finished: @escaping @Sendable (_ segments: Int, _ failed: Int) -> Void) {
        catalog.verifyInBackground(finished: finished)
    }

    public func stats(index name: String) async throws -> [(String, JSONValue)] {
        let index = try index(name)
        let stats = index.stats()
        return [
            ("documents", .int(stats.documents)), ("deleted_documents", .int(stats.deletedDocuments)),
            ("segments", .int(stats.segments)), ("bytes_on_disk", .int(stats.bytesOnDisk)),
            ("wal_bytes", .int(stats.walBytes)), ("buffered_documents", .int(stats.bufferedDocuments)),
            ("refreshes", .int(stats.refreshes)), ("merges_done", .int(stats.mergesDone)),
            ("merges_running", .int(stats.mergesRunning)), ("generation", .int(Int(clamping: stats.generation))),
            ("replayed_records", .int(stats.replayedRecords)), ("ignored_wal_bytes", .int(stats.ignoredWALBytes)),
            ("wal_problems", .int(stats.walProblems)),
            ("open_time_ms", .double(Self.milliseconds(stats.openTime))),
            ("unverified_segments", .int(index.unverifiedSegments)),
        ]
    }

    /// `duration` in milliseconds, to the microsecond.
    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        let micros = Double(seconds) * 1_000_000 + Double(attoseconds / 1_000_000_000_000)
        return micros / 1000
    }

    public func create(index: String, boosts: [String: Float]) async throws {
        _ = try await catalog.create(index, settings: IndexSettings(boosts: boosts))
    }

    public func drop(index: String) async throws {
        try await catalog.drop(index)
    }

    /// Closes the catalog, then stops the search threads (after the work already queued).
    public func close() async throws {
        do {
            try await catalog.close()
        } catch {
            try? await searchPool.shutdownGracefully()
            throw error
        }
        try await searchPool.shutdownGracefully()
    }
}

extension Configuration {
    /// `search_threads`, with 0 resolved to the number of CPU cores.
    public var effectiveSearchThreads: Int {
        searchThreads > 0 ? searchThreads : max(1, System.coreCount)
    }

    /// The `merge_*` settings as the index's tiered merge policy.
    var mergeSettings: TieredMergePolicy.Settings {
        TieredMergePolicy.Settings(
            segmentsPerTier: mergeSegmentsPerTier,
            maxMergeAtOnce: mergeMaxAtOnce,
            floorSegmentBytes: mergeFloorSegmentBytes,
            maxMergedSegmentBytes: mergeMaxSegmentBytes,
            deletesPercentAllowed: Double(mergeDeletesPercentAllowed),
            maxConcurrentMerges: mergeMaxConcurrent,
            maxMergeBytesPerSecond: mergeMaxMBPerSecond.multipliedReportingOverflow(by: 1 << 20).overflow
                ? Int.max : mergeMaxMBPerSecond << 20
        )
    }
}
