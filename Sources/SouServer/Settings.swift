import TOMLKit

/// Every setting of `soud`, once (docs/CONFIGURATION.md and config/soud.toml show the same).
///
/// `Configuration`'s properties take their defaults from here; `all` drives validation, the
/// TOML reader, the `soud` flags and `soud --help`.
public enum Settings {
    /// Every setting, in the order config/soud.toml and docs/CONFIGURATION.md list them.
    public static let all: [any AnySetting] = [
        dataDirectory, socketPath, socketMode, logLevel, maxLineBytes, maxDocumentBytes, maxConnections,
        maxResults, totalThreshold, queryTimeout, searchThreads, writerUIDs, durability, batchInterval, refreshInterval,
        maxBufferedDocuments, indexingThreads, shutdownTimeout, mergeSegmentsPerTier, mergeMaxAtOnce,
        mergeFloorSegmentBytes,
        mergeMaxSegmentBytes, mergeDeletesPercentAllowed, mergeMaxConcurrent, mergeMaxMBPerSecond, bm25K1, bm25B,
    ]

    /// The setting whose TOML key is `key`.
    public static func setting(key: String) -> (any AnySetting)? {
        all.first { $0.key == key }
    }

    /// The log levels `log_level` accepts.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    /// The modes `durability` accepts.
    static let durabilities = ["always", "batch", "none"]

    static let dataDirectory = Setting(
        "data_dir",
        \.dataDirectory,
        type: .string,
        default: "./sou-data",
        range: SettingRange("must not be empty") { !$0.isEmpty },
        help: "Data directory, created 0700"
    )
    static let socketPath = Setting(
        "socket",
        \.socketPath,
        type: .string,
        default: Configuration.defaultSocketPath(),
        machineDefault: "$TMPDIR/sou-<uid>.sock, else /tmp/sou-<uid>.sock",
        range: SettingRange("must be 1...103 bytes") { !$0.isEmpty && $0.utf8.count < 104 },
        help: "Unix socket path"
    )
    static let socketMode = Setting(
        "socket_mode",
        \.socketMode,
        type: .octalMode,
        default: 0o600,
        range: SettingRange("must be an octal mode like 0600") { $0 <= 0o777 },
        help: "Octal permission bits of the socket file"
    )
    static let logLevel = Setting(
        "log_level",
        \.logLevel,
        type: .string,
        default: "info",
        range: SettingRange("one of \(logLevels.joined(separator: ", "))") { logLevels.contains($0) },
        help: logLevels.joined(separator: ", ")
    )
    static let maxLineBytes = Setting(
        "max_line_bytes",
        \.maxLineBytes,
        type: .integer,
        default: 2 << 20,
        range: .atLeast(64),
        help: "Longest request line in bytes"
    )
    static let maxDocumentBytes = Setting(
        "max_document_bytes",
        \.maxDocumentBytes,
        type: .integer,
        default: 1 << 20,
        range: .atLeast(16),
        help: "Largest JSON document in bytes"
    )
    static let maxConnections = Setting(
        "max_connections",
        \.maxConnections,
        type: .integer,
        default: 256,
        range: .atLeast(1),
        help: "Concurrent connections"
    )
    static let maxResults = Setting(
        "max_results",
        \.maxResults,
        type: .integer,
        default: 1000,
        range: .atLeast(1),
        help: "Largest SEARCH limit"
    )
    static let totalThreshold = Setting(
        "total_threshold",
        \.totalThreshold,
        type: .integer,
        default: 10_000,
        range: .atLeast(0),
        help: "SEARCH counts matches exactly up to this many, then total=N+"
    )
    static let queryTimeout = Setting(
        "query_timeout_ms",
        \.queryTimeoutMilliseconds,
        type: .integer,
        default: 5000,
        range: .atLeast(1),
        help: "Query timeout in milliseconds"
    )
    static let searchThreads = Setting(
        "search_threads",
        \.searchThreads,
        type: .integer,
        default: 0,
        note: "one per CPU core",
        range: SettingRange("must be 0...1024 (0: one per core)") { (0...1024).contains($0) },
        help: "Threads that run searches"
    )
    static let writerUIDs = Setting(
        "writer_uids",
        flag: "writer-uid",
        \.writerUIDs,
        type: .uids,
        default: [],
        note: "anyone who can connect",
        help: "A uid allowed to write (repeatable)"
    )
    static let durability = Setting(
        "durability",
        \.durability,
        type: .string,
        default: "always",
        range: SettingRange("one of \(durabilities.joined(separator: ", "))") { durabilities.contains($0) },
        help: "always, batch or none"
    )
    static let batchInterval = Setting(
        "batch_interval_ms",
        \.batchIntervalMilliseconds,
        type: .integer,
        default: 100,
        range: .atLeast(1),
        help: "fsync interval for durability=batch"
    )
    static let refreshInterval = Setting(
        "refresh_interval_ms",
        \.refreshIntervalMilliseconds,
        type: .integer,
        default: 1000,
        range: .atLeast(1),
        help: "Near-real-time refresh interval"
    )
    static let maxBufferedDocuments = Setting(
        "max_buffered_documents",
        \.maxBufferedDocuments,
        type: .integer,
        default: 10_000,
        range: .atLeast(1),
        help: "Buffered documents that force a refresh"
    )
    static let indexingThreads = Setting(
        "indexing_threads",
        \.indexingThreads,
        type: .integer,
        default: 0,
        note: "one per CPU core",
        range: SettingRange("must be 0...256 (0: one per core)") { (0...256).contains($0) },
        help: "Threads that build one refresh's segments"
    )
    static let shutdownTimeout = Setting(
        "shutdown_timeout_ms",
        \.shutdownTimeoutMilliseconds,
        type: .integer,
        default: 10_000,
        range: SettingRange("must not be negative") { $0 >= 0 },
        help: "How long in-flight requests may take at shutdown"
    )
    static let mergeSegmentsPerTier = Setting(
        "merge_segments_per_tier",
        \.mergeSegmentsPerTier,
        type: .integer,
        default: 10,
        range: .atLeast(2),
        help: "Segments per size tier before a merge"
    )
    static let mergeMaxAtOnce = Setting(
        "merge_max_at_once",
        \.mergeMaxAtOnce,
        type: .integer,
        default: 10,
        range: .atLeast(2),
        help: "Most segments merged at once"
    )
    static let mergeFloorSegmentBytes = Setting(
        "merge_floor_segment_bytes",
        \.mergeFloorSegmentBytes,
        type: .integer,
        default: 2 << 20,
        range: .atLeast(1),
        help: "Smaller segments count as this size"
    )
    static let mergeMaxSegmentBytes = Setting(
        "merge_max_segment_bytes",
        \.mergeMaxSegmentBytes,
        type: .integer,
        default: 5 << 30,
        range: .atLeast(1),
        help: "Largest segment a merge produces"
    )
    static let mergeDeletesPercentAllowed = Setting(
        "merge_deletes_percent_allowed",
        \.mergeDeletesPercentAllowed,
        type: .integer,
        default: 20,
        range: SettingRange("must be 0...100") { (0...100).contains($0) },
        help: "Deleted percentage that forces a rewrite"
    )
    static let mergeMaxConcurrent = Setting(
        "merge_max_concurrent",
        \.mergeMaxConcurrent,
        type: .integer,
        default: 1,
        range: .atLeast(1),
        help: "Merges running at once"
    )
    static let mergeMaxMBPerSecond = Setting(
        "merge_max_mb_per_sec",
        \.mergeMaxMBPerSecond,
        type: .integer,
        default: 0,
        range: .atLeast(0),
        help: "MB/s one merge may write, 0 for no limit"
    )
    static let bm25K1 = Setting(
        "bm25_k1",
        \.bm25K1,
        type: .number,
        default: 1.2,
        range: SettingRange("must be 0...1000") { (0...1000).contains($0) },
        help: "BM25 term-frequency saturation, 0...1000"
    )
    static let bm25B = Setting(
        "bm25_b",
        \.bm25B,
        type: .number,
        default: 0.75,
        range: SettingRange("must be 0...1") { (0...1).contains($0) },
        help: "BM25 field-length normalization, 0...1"
    )

    /// The flags as `soud --help` lists them: one per setting, its help and its default.
    public static func flagHelp() -> String {
        all.map { setting in
            let value = setting.isRepeatable ? "<\(setting.flag)> ..." : "<\(setting.flag)>"
            return "  --\(setting.flag) \(value)\n    \(setting.help) (default \(setting.defaultForHelp))."
        }
        .joined(separator: "\n")
    }
}

/// A `Setting` whatever its value type: what the TOML reader, validation, the flags and the
/// documentation need.
public protocol AnySetting: Sendable {
    var key: String { get }
    var flag: String { get }
    /// The value type's name (`integer`, `string`, …).
    var typeName: String { get }
    /// The default as a TOML value, as config/soud.toml writes it.
    var defaultLiteral: String { get }
    var defaultNote: String? { get }
    var machineDefault: String? { get }
    /// The message for a value out of range, nil when every value of the type is allowed.
    var rangeMessage: String? { get }
    var help: String { get }
    var isRepeatable: Bool { get }

    /// Sets the setting in `configuration` from a TOML value.
    ///
    /// - Throws: `ConfigurationError.invalid` for a value of the wrong type.
    func apply(toml value: any TOMLValueConvertible, to configuration: inout Configuration) throws(ConfigurationError)

    /// - Throws: `ConfigurationError.invalid` when `configuration`'s value is out of range.
    func validate(_ configuration: Configuration) throws(ConfigurationError)

    /// Reads the values the flag was given, in order, and returns how to set them.
    ///
    /// - Throws: `SettingFlagError` naming the first value that is not of the setting's type.
    func flagValues(_ texts: [String]) throws(SettingFlagError) -> @Sendable (inout Configuration) -> Void
}

/// A flag value of the wrong type.
public struct SettingFlagError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// Whether the error is reported only after the configuration file was read (see
    /// `SettingType.flagMismatch`).
    public let afterConfigurationFile: Bool
}

extension Setting: AnySetting {
    public var typeName: String { type.name }
    public var rangeMessage: String? { range?.message }
    public var isRepeatable: Bool { type.isRepeatable }

    public func apply(
        toml value: any TOMLValueConvertible,
        to configuration: inout Configuration
    )
        throws(ConfigurationError)
    {
        guard let typed = type.fromTOML(value) else { throw .invalid(key: key, message: type.mismatch) }
        configuration[keyPath: keyPath] = typed
    }

    public func validate(_ configuration: Configuration) throws(ConfigurationError) {
        if let range, !range.contains(configuration[keyPath: keyPath]) {
            throw .invalid(key: key, message: range.message)
        }
    }

    public func flagValues(_ texts: [String]) throws(SettingFlagError) -> @Sendable (inout Configuration) -> Void {
        var combined: Value?
        for text in texts {
            guard let value = type.fromFlag(text) else {
                if let mismatch = type.flagMismatch {
                    throw SettingFlagError(description: "--\(flag) \(mismatch)", afterConfigurationFile: true)
                }
                throw SettingFlagError(
                    description: "The value '\(text)' is invalid for '--\(flag) <\(flag)>'",
                    afterConfigurationFile: false
                )
            }
            combined = combined.map { type.combine($0, value) } ?? value
        }
        let keyPath = self.keyPath
        guard let combined else { return { _ in } }
        return { $0[keyPath: keyPath] = combined }
    }
}

extension AnySetting {
    /// The default as `--help` shows it: the value (strings unquoted) and what it means.
    var defaultForHelp: String {
        if let machineDefault { return machineDefault }
        var shown = defaultLiteral
        if shown.hasPrefix("\"") && shown.hasSuffix("\"") { shown = String(shown.dropFirst().dropLast()) }
        if let defaultNote { shown += ": \(defaultNote)" }
        return shown
    }
}
