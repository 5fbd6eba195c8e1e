#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every setting of `soud`, with its default (docs/CONFIGURATION.md, config/soud.toml).
///
/// Built from the defaults, then a TOML file (`--config`), then command-line flags; later
/// sources win. Keys in the file are the property names in snake case.
public struct Configuration: Sendable, Equatable {
    /// `data_dir`: where the indexes live; created 0700 if missing. Default `./sou-data`.
    public var dataDirectory: String = "./sou-data"
    /// `socket`: the Unix domain socket path. Default `$TMPDIR/sou-<uid>.sock` (`/tmp` without TMPDIR).
    public var socketPath: String = Configuration.defaultSocketPath()
    /// `socket_mode`: permission bits of the socket file. Default 0o600 (owner only).
    public var socketMode: UInt32 = 0o600
    /// `log_level`: trace, debug, info, notice, warning, error, critical. Default info.
    public var logLevel: String = "info"
    /// `max_line_bytes`: longest request line; longer lines get `ERR LINE_TOO_LONG`. Default 2 MiB.
    public var maxLineBytes: Int = 2 << 20
    /// `max_document_bytes`: largest JSON document in an `ADD`. Default 1 MiB.
    public var maxDocumentBytes: Int = 1 << 20
    /// `max_connections`: concurrent connections; more get `ERR BUSY` and are closed. Default 256.
    public var maxConnections: Int = 256
    /// `max_results`: the largest `limit=` of a `SEARCH`. Default 1000.
    public var maxResults: Int = 1000
    /// `query_timeout_ms`: a query running longer gets `ERR TIMEOUT`. Default 5000.
    public var queryTimeoutMilliseconds: Int = 5000
    /// `search_threads`: threads that run searches, counts and document reads, off Swift's
    /// cooperative pool; 0 means one per CPU core. Default 0.
    public var searchThreads: Int = 0
    /// `writer_uids`: uids allowed to run write commands (peer credentials); empty: anyone
    /// who can open the socket. Default empty.
    public var writerUIDs: [UInt32] = []
    /// `durability`: `always` (fsync before OK), `batch` (fsync every `batch_interval_ms`) or
    /// `none`. Default always.
    public var durability: String = "always"
    /// `batch_interval_ms`: the fsync interval when `durability = "batch"`. Default 100.
    public var batchIntervalMilliseconds: Int = 100
    /// `refresh_interval_ms`: new documents become searchable within this time. Default 1000.
    public var refreshIntervalMilliseconds: Int = 1000
    /// `max_buffered_documents`: buffered documents that force a refresh. Default 10000.
    public var maxBufferedDocuments: Int = 10_000
    /// `shutdown_timeout_ms`: on SIGTERM, how long in-flight requests may take. Default 10000.
    public var shutdownTimeoutMilliseconds: Int = 10_000
    /// `bm25_k1`: BM25 term-frequency saturation, 0...1000. Default 1.2.
    public var bm25K1: Double = 1.2
    /// `bm25_b`: BM25 field-length normalization, 0...1. Default 0.75.
    public var bm25B: Double = 0.75
    /// `merge_segments_per_tier`: segments allowed per size tier before a merge. Default 10.
    public var mergeSegmentsPerTier: Int = 10
    /// `merge_max_at_once`: most segments merged into one at once. Default 10.
    public var mergeMaxAtOnce: Int = 10
    /// `merge_floor_segment_bytes`: smaller segments count as this size. Default 2 MiB.
    public var mergeFloorSegmentBytes: Int = 2 << 20
    /// `merge_max_segment_bytes`: a merge never produces a larger segment. Default 5 GiB.
    public var mergeMaxSegmentBytes: Int = 5 << 30
    /// `merge_deletes_percent_allowed`: a segment with more deleted documents (percent) is
    /// rewritten. Default 20.
    public var mergeDeletesPercentAllowed: Int = 20
    /// `merge_max_concurrent`: merges running at once, each on its own thread. Default 1.
    public var mergeMaxConcurrent: Int = 1

    /// The defaults.
    public init() {}

    /// Every key a config file may hold, in the order config/soud.toml lists them.
    public static let keys = [
        "data_dir", "socket", "socket_mode", "log_level", "max_line_bytes", "max_document_bytes",
        "max_connections", "max_results", "query_timeout_ms", "search_threads", "writer_uids", "durability",
        "batch_interval_ms", "refresh_interval_ms", "max_buffered_documents", "shutdown_timeout_ms",
        "merge_segments_per_tier", "merge_max_at_once", "merge_floor_segment_bytes", "merge_max_segment_bytes",
        "merge_deletes_percent_allowed", "merge_max_concurrent", "bm25_k1", "bm25_b",
    ]

    /// `$TMPDIR/sou-<uid>.sock`, or `/tmp/sou-<uid>.sock`: writable without root, one per user.
    public static func defaultSocketPath() -> String {
        var directory = "/tmp"
        if let tmp = getenv("TMPDIR"), let value = String(validatingCString: tmp), !value.isEmpty {
            directory = value.hasSuffix("/") ? String(value.dropLast()) : value
        }
        return "\(directory)/sou-\(getuid()).sock"
    }

    /// Parses an octal mode such as `0600` or `600`.
    public static func parseMode(_ text: String) -> UInt32? {
        let digits = text.hasPrefix("0o") ? String(text.dropFirst(2)) : text
        guard let mode = UInt32(digits, radix: 8), mode <= 0o777 else { return nil }
        return mode
    }

    /// Throws `ConfigurationError.invalid` when a value is out of range.
    public func validate() throws(ConfigurationError) {
        func check(_ ok: Bool, _ key: String, _ message: String) throws(ConfigurationError) {
            if !ok { throw ConfigurationError.invalid(key: key, message: message) }
        }
        try check(!dataDirectory.isEmpty, "data_dir", "must not be empty")
        try check(!socketPath.isEmpty && socketPath.utf8.count < 104, "socket", "must be 1...103 bytes")
        try check(socketMode <= 0o777, "socket_mode", "must be an octal mode like 0600")
        try check(Configuration.logLevels.contains(logLevel), "log_level", "one of \(Configuration.logLevels.joined(separator: ", "))")
        try check(maxLineBytes >= 64, "max_line_bytes", "must be at least 64")
        try check(maxDocumentBytes >= 16, "max_document_bytes", "must be at least 16")
        try check(maxConnections >= 1, "max_connections", "must be at least 1")
        try check(maxResults >= 1, "max_results", "must be at least 1")
        try check(queryTimeoutMilliseconds >= 1, "query_timeout_ms", "must be at least 1")
        try check((0...1024).contains(searchThreads), "search_threads", "must be 0...1024 (0: one per core)")
        try check(["always", "batch", "none"].contains(durability), "durability", "one of always, batch, none")
        try check(batchIntervalMilliseconds >= 1, "batch_interval_ms", "must be at least 1")
        try check(refreshIntervalMilliseconds >= 1, "refresh_interval_ms", "must be at least 1")
        try check(maxBufferedDocuments >= 1, "max_buffered_documents", "must be at least 1")
        try check(shutdownTimeoutMilliseconds >= 0, "shutdown_timeout_ms", "must not be negative")
        try check(mergeSegmentsPerTier >= 2, "merge_segments_per_tier", "must be at least 2")
        try check(mergeMaxAtOnce >= 2, "merge_max_at_once", "must be at least 2")
        try check(mergeFloorSegmentBytes >= 1, "merge_floor_segment_bytes", "must be at least 1")
        try check(mergeMaxSegmentBytes >= 1, "merge_max_segment_bytes", "must be at least 1")
        try check((0...100).contains(mergeDeletesPercentAllowed), "merge_deletes_percent_allowed", "must be 0...100")
        try check(mergeMaxConcurrent >= 1, "merge_max_concurrent", "must be at least 1")
        try check((0...1000).contains(bm25K1), "bm25_k1", "must be 0...1000")
        try check((0...1).contains(bm25B), "bm25_b", "must be 0...1")
    }

    /// The log levels `log_level` accepts.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}

/// A configuration file or flag that cannot be used.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read.
    case unreadable(path: String, reason: String)
    /// The file is not valid TOML.
    case syntax(path: String, message: String)
    /// A key that is not a setting.
    case unknownKey(String)
    /// A value of the wrong type or out of range.
    case invalid(key: String, message: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read config file \(path): \(reason)"
        case .syntax(let path, let message): return "config file \(path) is not valid TOML: \(message)"
        case .unknownKey(let key):
            return "unknown setting '\(key)'; known: \(Configuration.keys.joined(separator: ", "))"
        case .invalid(let key, let message): return "bad value for \(key): \(message)"
        }
    }
}
