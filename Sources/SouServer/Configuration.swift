#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every setting of `soud`, with its default (`Settings`, docs/CONFIGURATION.md, config/soud.toml).
///
/// Built from the defaults, then a TOML file (`--config`), then command-line flags; later
/// sources win. Each property's key, flag, default, range and help are in `Settings`.
public struct Configuration: Sendable, Equatable {
    /// `data_dir`: where the indexes live; created 0700 if missing.
    public var dataDirectory: String = Settings.dataDirectory.defaultValue
    /// `socket`: the Unix domain socket path.
    public var socketPath: String = Settings.socketPath.defaultValue
    /// `socket_mode`: permission bits of the socket file.
    public var socketMode: UInt32 = Settings.socketMode.defaultValue
    /// `log_level`: one of `Settings.logLevels`.
    public var logLevel: String = Settings.logLevel.defaultValue
    /// `max_line_bytes`: longest request line; longer lines get `ERR LINE_TOO_LONG`.
    public var maxLineBytes: Int = Settings.maxLineBytes.defaultValue
    /// `max_document_bytes`: largest JSON document in an `ADD`.
    public var maxDocumentBytes: Int = Settings.maxDocumentBytes.defaultValue
    /// `max_connections`: concurrent connections; more get `ERR BUSY` and are closed.
    public var maxConnections: Int = Settings.maxConnections.defaultValue
    /// `max_results`: the largest `limit=` of a `SEARCH`.
    public var maxResults: Int = Settings.maxResults.defaultValue
    /// `total_threshold`: a `SEARCH` without `total=` counts matches exactly up to this many;
    /// past it the total is this lower bound (`total=N+`) and postings that cannot reach the
    /// page are skipped.
    public var totalThreshold: Int = Settings.totalThreshold.defaultValue
    /// `query_timeout_ms`: a query running longer gets `ERR TIMEOUT`.
    public var queryTimeoutMilliseconds: Int = Settings.queryTimeout.defaultValue
    /// `search_threads`: threads that run searches, counts and document reads, off Swift's
    /// cooperative pool; 0 means one per CPU core.
    public var searchThreads: Int = Settings.searchThreads.defaultValue
    /// `writer_uids`: uids allowed to run write commands (peer credentials); empty: anyone
    /// who can open the socket.
    public var writerUIDs: [UInt32] = Settings.writerUIDs.defaultValue
    /// `durability`: `always` (fsync before OK), `batch` (fsync every `batch_interval_ms`) or `none`.
    public var durability: String = Settings.durability.defaultValue
    /// `batch_interval_ms`: the fsync interval when `durability = "batch"`.
    public var batchIntervalMilliseconds: Int = Settings.batchInterval.defaultValue
    /// `refresh_interval_ms`: new documents become searchable within this time.
    public var refreshIntervalMilliseconds: Int = Settings.refreshInterval.defaultValue
    /// `max_buffered_documents`: buffered documents that force a refresh.
    public var maxBufferedDocuments: Int = Settings.maxBufferedDocuments.defaultValue
    /// `indexing_threads`: threads that build one refresh's segments (a large refresh is
    /// split into that many segments); 0 means one per CPU core.
    public var indexingThreads: Int = Settings.indexingThreads.defaultValue
    /// `shutdown_timeout_ms`: on SIGTERM, how long in-flight requests may take.
    public var shutdownTimeoutMilliseconds: Int = Settings.shutdownTimeout.defaultValue
    /// `bm25_k1`: BM25 term-frequency saturation.
    public var bm25K1: Double = Settings.bm25K1.defaultValue
    /// `bm25_b`: BM25 field-length normalization.
    public var bm25B: Double = Settings.bm25B.defaultValue
    /// `merge_segments_per_tier`: segments allowed per size tier before a merge.
    public var mergeSegmentsPerTier: Int = Settings.mergeSegmentsPerTier.defaultValue
    /// `merge_max_at_once`: most segments merged into one at once.
    public var mergeMaxAtOnce: Int = Settings.mergeMaxAtOnce.defaultValue
    /// `merge_floor_segment_bytes`: smaller segments count as this size.
    public var mergeFloorSegmentBytes: Int = Settings.mergeFloorSegmentBytes.defaultValue
    /// `merge_max_segment_bytes`: a merge never produces a larger segment.
    public var mergeMaxSegmentBytes: Int = Settings.mergeMaxSegmentBytes.defaultValue
    /// `merge_deletes_percent_allowed`: a segment with more deleted documents (percent) is rewritten.
    public var mergeDeletesPercentAllowed: Int = Settings.mergeDeletesPercentAllowed.defaultValue
    /// `merge_max_concurrent`: merges running at once, each on its own thread.
    public var mergeMaxConcurrent: Int = Settings.mergeMaxConcurrent.defaultValue
    /// `merge_max_mb_per_sec`: MB (2^20 bytes) per second one merge may write; 0: no limit.
    public var mergeMaxMBPerSecond: Int = Settings.mergeMaxMBPerSecond.defaultValue

    /// The defaults.
    public init() {}

    /// Every key a config file may hold, in the order config/soud.toml lists them.
    public static var keys: [String] { Settings.all.map(\.key) }

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

    /// Throws `ConfigurationError.invalid` for the first value (in `Settings.all` order) out of range.
    public func validate() throws(ConfigurationError) {
        for setting in Settings.all { try setting.validate(self) }
    }
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
