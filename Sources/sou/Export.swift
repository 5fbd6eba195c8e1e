import ArgumentParser
import Foundation
import SouClient

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write every live document of the index as JSON lines (a backup, or input for sou add).",
        discussion: """
            Sends COMMIT first (unless --no-commit), then EXPORT: the documents of one point in time. \
            `sou export | sou --index copy add` copies an index. --format elasticsearch writes \
            Elasticsearch/OpenSearch bulk NDJSON (an action line, then the document), for POST _bulk; \
            see docs/SCALING.md. A cut-off stream is an error (exit status 4) and, with --output, \
            leaves FILE untouched. The summary goes to standard error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// The document JSON that ADD and `sou add` accept, one per line.
        case jsonl
        /// Elasticsearch/OpenSearch bulk: `{"index":{"_index":…,"_id":…}}`, then the document.
        case elasticsearch
    }

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "Write to FILE (replaced atomically once complete) instead of standard output.")
    var output: String?
    @Option(help: "jsonl (default) or elasticsearch (bulk NDJSON).") var format: Format = .jsonl
    @Option(help: "With --format elasticsearch: the _index of the action lines (default: the Sou index name).")
    var bulkIndex: String?
    @Flag(help: "Do not COMMIT first: export what the last refresh made searchable.")
    var noCommit = false

    func validate() throws {
        if bulkIndex != nil && format != .elasticsearch {
            throw ValidationError("--bulk-index goes with --format elasticsearch")
        }
        if let output, output.isEmpty || output.hasSuffix("/") {
            throw ValidationError("--output takes a file name")
        }
    }

    func run() throws {
        let started = ContinuousClock.now
        let connection = try global.connect()
        if !noCommit { _ = try Reply.check(try Reply.call(connection, "COMMIT")) }
        // EXPORT streams DOC lines; it has no JSON-mode form.
        let off: ClientResponse
        do {
            off = try connection.request("JSON OFF")
        } catch {
            throw CLIFailure.unreachable(error.description)
        }
        guard off.isOK else { throw CLIFailure.server("unexpected reply to JSON OFF: \(off.final)") }

        var sink = try ExportSink(path: output)
        let actionPrefix =
            format == .elasticsearch
            ? #"{"index":{"_index":"# + Self.jsonString(bulkIndex ?? global.index ?? "default") + #","_id":"#
            : nil
        var documents = 0
        do {
            do {
                try connection.send("EXPORT")
            } catch {
                throw CLIFailure.unreachable(error.description)
            }
            while true {
                let line: String?
                do {
                    line = try connection.readLine()
                } catch {
                    throw CLIFailure.server(
                        "export truncated after \(documents) documents: \(error.description)"
                    )
                }
                guard let line else {
                    throw CLIFailure.server(
                        "export truncated: the connection ended after \(documents) documents, "
                            + "before the final OK line"
                    )
                }
                if line.hasPrefix("DOC ") {
                    let document = line.utf8.dropFirst(4)
                    if let actionPrefix {
                        guard let id = Self.encodedID(document) else {
                            throw CLIFailure.server("unexpected document line: \(line.prefix(200))")
                        }
                        try sink.write(actionPrefix)
                        try sink.write(id)
                        try sink.write("}}\n")
                    }
                    try sink.write(Substring(document))
                    try sink.write("\n")
                    documents += 1
                } else if line.hasPrefix("OK ") {
                    // `OK <n> exported`: n must be the number of DOC lines read.
                    let count = line.dropFirst(3).split(separator: " ").first.flatMap { Int($0) }
                    guard count == documents else {
                        throw CLIFailure.server(
                            "export truncated: received \(documents) documents but the daemon sent \(line.dropFirst(3))"
                        )
                    }
                    break
                } else if line.hasPrefix("ERR ") {
                    throw CLIFailure.server(String(line.dropFirst(4)))
                } else {
                    throw CLIFailure.server("unexpected reply line: \(line.prefix(200))")
                }
            }
            try sink.finish()
        } catch {
            sink.abandon()
            throw error
        }
        connection.close()
        let seconds = Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000
        if global.json {
            let summary: [String: Any] = ["exported": documents, "bytes": sink.bytes, "seconds": seconds]
            if let data = try? JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]) {
                printError(String(decoding: data, as: UTF8.self))
            }
        } else {
            printError(
                String(
                    format: "%d documents exported, %.1f MB in %.2f s%@",
                    documents,
                    Double(sink.bytes) / 1_048_576,
                    seconds,
                    output.map { " to \($0)" } ?? ""
                )
            )
        }
    }

    /// The id of a `DOC` line's object, still JSON-encoded with its quotes: the daemon writes
    /// `{"id":"…",` first (docs/PROTOCOL.md, GET), so the id is the string after `{"id":`.
    static func encodedID(_ document: Substring.UTF8View) -> Substring? {
        let prefix = #"{"id":"#.utf8
        guard document.starts(with: prefix) else { return nil }
        let start = document.index(document.startIndex, offsetBy: prefix.count)
        guard start < document.endIndex, document[start] == UInt8(ascii: "\"") else { return nil }
        var index = document.index(after: start)
        var escaped = false
        while index < document.endIndex {
            let byte = document[index]
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                return Substring(document[start...index])
            }
            index = document.index(after: index)
        }
        return nil
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data()
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}

/// Where `sou export` writes: standard output, or a temporary file next to `--output` that
/// replaces it (rename) only once the export is complete and synced.
struct ExportSink {
    let handle: FileHandle
    /// The final path and the temporary one, for `--output`.
    let paths: (final: String, temporary: String)?
    var buffer: [UInt8] = []
    var bytes = 0

    init(path: String?) throws {
        guard let path else {
            handle = FileHandle.standardOutput
            paths = nil
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid()).tmp"
        ).path
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw CLIFailure.usage("\(path): cannot create \(temporary)")
        }
        self.handle = handle
        paths = (path, temporary)
    }

    mutating func write(_ text: some StringProtocol) throws {
        buffer.append(contentsOf: text.utf8)
        bytes += text.utf8.count
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw CLIFailure.server("cannot write \(paths?.final ?? "standard output"): \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered; for a file, syncs it and renames it over `--output`.
    mutating func finish() throws {
        try flush()
        guard let paths else { return }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw CLIFailure.server("cannot write \(paths.final): \(error.localizedDescription)")
        }
        guard rename(paths.temporary, paths.final) == 0 else {
            throw CLIFailure.server("cannot rename to \(paths.final): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the temporary file of a failed export (standard output keeps what it got).
    func abandon() {
        guard let paths else { return }
        try? handle.close()
        unlink(paths.temporary)
    }
}
