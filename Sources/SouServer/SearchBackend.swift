import SouProtocol

/// What the daemon's commands need from the engine, in protocol terms.
///
/// `CatalogBackend` implements it over `IndexCatalog` and `Searcher`; tests may use a
/// small in-memory one. Every method runs in a connection's task, never on an event loop.
/// Errors may be engine errors; `ErrorMapping` turns them into protocol codes.
public protocol SearchBackend: Sendable {
    /// The names of every index, sorted.
    func indexNames() -> [String]
    /// Whether `index` exists.
    func hasIndex(_ index: String) -> Bool
    /// Runs a search.
    func search(
        index: String,
        _ parameters: SearchParameters,
        deadline: ContinuousClock.Instant
    ) async throws
        -> SearchOutcome
    /// Counts matches.
    func count(index: String, query: String, deadline: ContinuousClock.Instant) async throws -> Int
    /// One stored document, or nil.
    func document(index: String, id: String) async throws -> ProtocolDocument?
    /// Starts reading every live document of `index` as its current snapshot holds them
    /// (`EXPORT`): the snapshot is pinned until the export is released.
    func export(index: String) throws -> any DocumentExport
    /// Adds or replaces documents; returns once they are durable.
    func add(index: String, _ documents: [ProtocolDocument]) async throws
    /// Deletes documents; returns how many existed.
    func delete(index: String, ids: [String]) async throws -> Int
    /// Makes every acknowledged write searchable.
    func commit(index: String) async throws
    /// Verifies every checksum of `index` now (`VERIFY`).
    /// - Returns: how many segments were verified.
    /// - Throws: a corruption error naming the file (the index is then out of service).
    func verify(index: String) async throws -> Int
    /// Starts verifying every index's checksums in the background; the daemon calls it once
    /// its socket is up. `finished` gets the number of segments verified and of indexes
    /// taken out of service.
    func startBackgroundVerification(finished: @escaping @Sendable (_ segments: Int, _ failed: Int) -> Void)
    /// `STAT` name/value pairs of one index.
    func stats(index: String) async throws -> [(String, JSONValue)]
    /// Creates an index.
    func create(index: String, boosts: [String: Float]) async throws
    /// Drops an index and its files.
    func drop(index: String) async throws
    /// Flushes and closes everything; called once at shutdown.
    func close() async throws
}

/// The result of a search in protocol terms.
public struct SearchOutcome: Sendable {
    /// One hit.
    public struct Hit: Sendable {
        /// The document id.
        public var id: String
        /// The BM25 score.
        public var score: Float
        /// The snippet with highlight markers, when asked for.
        public var snippet: String?
        /// The stored fields asked for.
        public var fields: [(name: String, value: String)]

        /// - Parameters: see the properties.
        public init(id: String, score: Float, snippet: String?, fields: [(name: String, value: String)]) {
            self.id = id
            self.score = score
            self.snippet = snippet
            self.fields = fields
        }
    }

    /// Matching documents in all: exact when `totalIsExact`, else a lower bound.
    public var total: Int
    /// False when more than `total` documents match (the search stopped counting there).
    public var totalIsExact: Bool
    /// The hits of the requested page, best first.
    public var hits: [Hit]

    /// - Parameters: see the properties.
    public init(total: Int, totalIsExact: Bool = true, hits: [Hit]) {
        self.total = total
        self.totalIsExact = totalIsExact
        self.hits = hits
    }
}

/// A running `EXPORT`: the live documents of one pinned snapshot, read chunk by chunk so
/// that memory stays bounded whatever the index's size. Used by one connection's task.
public protocol DocumentExport: AnyObject {
    /// The next documents, in order.
    ///
    /// - Parameter maxBytes: roughly how many bytes of ids and field text one chunk holds
    ///   (one larger document is a chunk of its own).
    /// - Returns: nil once every document has been returned; otherwise the next documents
    ///   (possibly none, when a stretch of deleted documents was skipped).
    /// - Throws: an engine error (corruption, I/O) or `CancellationError`; the export is over.
    func next(maxBytes: Int) async throws -> [ProtocolDocument]?
}
