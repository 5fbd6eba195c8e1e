import Foundation
import TOMLKit

extension Configuration {
    /// Applies the settings in a TOML file on top of `self`.
    ///
    /// - Parameter path: the file; every key is optional (config/soud.toml lists them).
    /// - Throws: `ConfigurationError` for an unreadable file, bad TOML, an unknown key or a bad value.
    public mutating func apply(tomlFile path: String) throws(ConfigurationError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        try apply(toml: text, path: path)
    }

    /// Applies the settings in TOML text on top of `self`.
    ///
    /// - Parameters:
    ///   - text: the TOML document.
    ///   - path: the file name used in error messages.
    /// - Throws: `ConfigurationError`.
    public mutating func apply(toml text: String, path: String = "<config>") throws(ConfigurationError) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw .syntax(path: path, message: error.debugDescription)
        } catch {
            throw .syntax(path: path, message: String(describing: error))
        }
        for key in table.keys {
            guard Configuration.keys.contains(key) else { throw .unknownKey(key) }
            guard let value = table[key] else { continue }
            func string() throws(ConfigurationError) -> String {
                guard let string = value.string else { throw .invalid(key: key, message: "expected a string") }
                return string
            }
            func int() throws(ConfigurationError) -> Int {
                guard let int = value.int else { throw .invalid(key: key, message: "expected an integer") }
                return int
            }
            func number() throws(ConfigurationError) -> Double {
                guard let number = value.double ?? value.int.map(Double.init) else {
                    throw .invalid(key: key, message: "expected a number")
                }
                return number
            }
            switch key {
            case "data_dir": dataDirectory = try string()
            case "socket": socketPath = try string()
            case "socket_mode":
                let text = value.string ?? value.int.map { String($0) } ?? ""
                guard let mode = Configuration.parseMode(text) else {
                    throw .invalid(key: key, message: "expected an octal mode string like \"0600\"")
                }
                socketMode = mode
            case "log_level": logLevel = try string()
            case "max_line_bytes": maxLineBytes = try int()
            case "max_document_bytes": maxDocumentBytes = try int()
            case "max_connections": maxConnections = try int()
            case "max_results": maxResults = try int()
            case "query_timeout_ms": queryTimeoutMilliseconds = try int()
            case "search_threads": searchThreads = try int()
            case "writer_uids":
                guard let array = value.array else { throw .invalid(key: key, message: "expected an array of uids") }
                var uids: [UInt32] = []
                for element in array {
                    guard let uid = element.int, let value = UInt32(exactly: uid) else {
                        throw .invalid(key: key, message: "expected an array of uids")
                    }
                    uids.append(value)
                }
                writerUIDs = uids
            case "durability": durability = try string()
            case "batch_interval_ms": batchIntervalMilliseconds = try int()
            case "refresh_interval_ms": refreshIntervalMilliseconds = try int()
            case "max_buffered_documents": maxBufferedDocuments = try int()
            case "shutdown_timeout_ms": shutdownTimeoutMilliseconds = try int()
            case "merge_segments_per_tier": mergeSegmentsPerTier = try int()
            case "merge_max_at_once": mergeMaxAtOnce = try int()
            case "merge_floor_segment_bytes": mergeFloorSegmentBytes = try int()
            case "merge_max_segment_bytes": mergeMaxSegmentBytes = try int()
            case "merge_deletes_percent_allowed": mergeDeletesPercentAllowed = try int()
            case "merge_max_concurrent": mergeMaxConcurrent = try int()
            case "bm25_k1": bm25K1 = try number()
            case "bm25_b": bm25B = try number()
            default: throw .unknownKey(key)
            }
        }
    }
}
