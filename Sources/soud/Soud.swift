import ArgumentParser
import Logging
import ServiceLifecycle
import SouServer

#if canImport(Glibc)
import Glibc
#endif

/// `soud`: the Sou search daemon. Settings: defaults, then `--config FILE`, then flags.
@main
struct Soud: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soud",
        abstract: "Sou full-text search daemon: serves the line protocol on a Unix socket.",
        discussion: "Every setting is also a key in the TOML file given by --config (see config/soud.toml). Flags win over the file. SIGTERM or SIGINT shut down gracefully.")

    @Option(help: "TOML configuration file (keys as in config/soud.toml).")
    var config: String?
    @Option(name: .customLong("data-dir"), help: "Data directory, created 0700 (default ./sou-data).")
    var dataDir: String?
    @Option(help: "Unix socket path (default $TMPDIR/sou-<uid>.sock or /tmp/sou-<uid>.sock).")
    var socket: String?
    @Option(name: .customLong("socket-mode"), help: "Octal permission bits of the socket file (default 0600).")
    var socketMode: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: String?
    @Option(name: .customLong("max-line-bytes"), help: "Longest request line in bytes (default 2097152).")
    var maxLineBytes: Int?
    @Option(name: .customLong("max-document-bytes"), help: "Largest JSON document in bytes (default 1048576).")
    var maxDocumentBytes: Int?
    @Option(name: .customLong("max-connections"), help: "Concurrent connections (default 256).")
    var maxConnections: Int?
    @Option(name: .customLong("max-results"), help: "Largest SEARCH limit (default 1000).")
    var maxResults: Int?
    @Option(name: .customLong("query-timeout-ms"), help: "Query timeout in milliseconds (default 5000).")
    var queryTimeoutMs: Int?
    @Option(name: .customLong("search-threads"), help: "Threads that run searches (default 0: one per CPU core).")
    var searchThreads: Int?
    @Option(name: .customLong("writer-uid"), help: "A uid allowed to write (repeatable; default: anyone who can connect).")
    var writerUID: [UInt32] = []
    @Option(help: "always, batch or none (default always).")
    var durability: String?
    @Option(name: .customLong("batch-interval-ms"), help: "fsync interval for durability=batch (default 100).")
    var batchIntervalMs: Int?
    @Option(name: .customLong("refresh-interval-ms"), help: "Near-real-time refresh interval (default 1000).")
    var refreshIntervalMs: Int?
    @Option(name: .customLong("max-buffered-documents"), help: "Buffered documents that force a refresh (default 10000).")
    var maxBufferedDocuments: Int?
    @Option(name: .customLong("shutdown-timeout-ms"), help: "How long in-flight requests may take at shutdown (default 10000).")
    var shutdownTimeoutMs: Int?

    @Option(name: .customLong("merge-segments-per-tier"), help: "Segments per size tier before a merge (default 10).")
    var mergeSegmentsPerTier: Int?
    @Option(name: .customLong("merge-max-at-once"), help: "Most segments merged at once (default 10).")
    var mergeMaxAtOnce: Int?
    @Option(name: .customLong("merge-floor-segment-bytes"), help: "Smaller segments count as this size (default 2097152).")
    var mergeFloorSegmentBytes: Int?
    @Option(name: .customLong("merge-max-segment-bytes"), help: "Largest segment a merge produces (default 5368709120).")
    var mergeMaxSegmentBytes: Int?
    @Option(name: .customLong("merge-deletes-percent-allowed"), help: "Deleted percentage that forces a rewrite (default 20).")
    var mergeDeletesPercentAllowed: Int?
    @Option(name: .customLong("merge-max-concurrent"), help: "Merges running at once (default 1).")
    var mergeMaxConcurrent: Int?

    @Option(name: .customLong("bm25-k1"), help: "BM25 term-frequency saturation, 0...1000 (default 1.2).")
    var bm25K1: Double?
    @Option(name: .customLong("bm25-b"), help: "BM25 field-length normalization, 0...1 (default 0.75).")
    var bm25B: Double?

    func resolvedConfiguration() throws -> Configuration {
        var configuration = Configuration()
        if let config { try configuration.apply(tomlFile: config) }
        if let dataDir { configuration.dataDirectory = dataDir }
        if let socket { configuration.socketPath = socket }
        if let socketMode {
            guard let mode = Configuration.parseMode(socketMode) else {
                throw ValidationError("--socket-mode must be an octal mode like 0600")
            }
            configuration.socketMode = mode
        }
        if let logLevel { configuration.logLevel = logLevel }
        if let maxLineBytes { configuration.maxLineBytes = maxLineBytes }
        if let maxDocumentBytes { configuration.maxDocumentBytes = maxDocumentBytes }
        if let maxConnections { configuration.maxConnections = maxConnections }
        if let maxResults { configuration.maxResults = maxResults }
        if let queryTimeoutMs { configuration.queryTimeoutMilliseconds = queryTimeoutMs }
        if let searchThreads { configuration.searchThreads = searchThreads }
        if !writerUID.isEmpty { configuration.writerUIDs = writerUID }
        if let durability { configuration.durability = durability }
        if let batchIntervalMs { configuration.batchIntervalMilliseconds = batchIntervalMs }
        if let refreshIntervalMs { configuration.refreshIntervalMilliseconds = refreshIntervalMs }
        if let maxBufferedDocuments { configuration.maxBufferedDocuments = maxBufferedDocuments }
        if let shutdownTimeoutMs { configuration.shutdownTimeoutMilliseconds = shutdownTimeoutMs }
        if let mergeSegmentsPerTier { configuration.mergeSegmentsPerTier = mergeSegmentsPerTier }
        if let mergeMaxAtOnce { configuration.mergeMaxAtOnce = mergeMaxAtOnce }
        if let mergeFloorSegmentBytes { configuration.mergeFloorSegmentBytes = mergeFloorSegmentBytes }
        if let mergeMaxSegmentBytes { configuration.mergeMaxSegmentBytes = mergeMaxSegmentBytes }
        if let mergeDeletesPercentAllowed { configuration.mergeDeletesPercentAllowed = mergeDeletesPercentAllowed }
        if let mergeMaxConcurrent { configuration.mergeMaxConcurrent = mergeMaxConcurrent }
        if let bm25K1 { configuration.bm25K1 = bm25K1 }
        if let bm25B { configuration.bm25B = bm25B }
        try configuration.validate()
        return configuration
    }

    func run() async throws {
        let configuration: Configuration
        do {
            configuration = try resolvedConfiguration()
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "soud")
        let daemon = Daemon(configuration: configuration, logger: logger) {
            try await CatalogBackend.open(configuration) { message in
                logger.warning("\(message)")
            }
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: daemon)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // After this, in-flight requests are cancelled; the catalog is still closed.
        groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(configuration.shutdownTimeoutMilliseconds)
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch {
            let message = (error as? DaemonError)?.description ?? String(describing: error)
            logger.critical("soud failed: \(message)")
            var line = Array("soud: error: \(message)\n".utf8)
            _ = line.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
            throw ExitCode(1)
        }
    }
}
