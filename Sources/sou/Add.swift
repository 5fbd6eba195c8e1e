import ArgumentParser
import Foundation

struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add or replace documents given as JSON lines, from files or standard input.",
        discussion:
            "One JSON object per line: {\"id\": \"...\", \"title\": \"...\", \"body\": \"...\", other string fields}. Empty lines are skipped."
    )

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Do not COMMIT at the end (documents still become searchable within the refresh interval).")
    var noCommit = false
    @Argument(help: "JSON-lines files (default: standard input; - also means standard input).") var files: [String] = []

    func run() throws {
        let sources = files.isEmpty ? ["-"] : files
        // A folder is not a JSON-lines file: refuse it before sending anything.
        for source in sources where source != "-" && FileKind(path: source) == .directory {
            throw CLIFailure.usage(
                "\(source): is a directory; sou add reads JSON-lines files (sou index takes folders)"
            )
        }
        let connection = try global.connect()
        var sender = DocumentSender(connection: connection)
        for source in sources {
            let handle: FileHandle
            let name = source == "-" ? "standard input" : source
            if source == "-" {
                handle = FileHandle.standardInput
            } else {
                do {
                    handle = try InputFile.open(source)
                } catch {
                    sender.fail("\(source): cannot open: \(InputFile.reason(error))")
                    continue
                }
            }
            try sender.addLines(of: handle, name: name)
            if source != "-" { try? handle.close() }
        }
        try sender.finish(commit: !noCommit, json: global.json)
    }
}

extension DocumentSender {
    /// Sends every non-blank line of `handle` as a JSON document. A read error fails the
    /// input `name` (the lines before it were sent); a `CLIFailure` (daemon gone) ends the run.
    mutating func addLines(of handle: FileHandle, name: String) throws {
        var reader = LineReader(handle: handle)
        do {
            while let line = try reader.next() {
                if !IndexFiles.isBlank(line) { try add(json: line) }
            }
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            fail("\(name): cannot read: \(InputFile.reason(error))")
        }
    }
}

/// Reads a file handle line by line (`\n`, `\r\n`), in 1 MiB chunks.
///
/// Reads with `read(upToCount:)`, which throws on an I/O error (`EISDIR` when standard
/// input is a directory, `EIO`); `readData(ofLength:)` would trap.
struct LineReader {
    let handle: FileHandle
    var buffer: [UInt8] = []
    var start = 0
    var done = false

    init(handle: FileHandle) {
        self.handle = handle
    }

    /// The next line, or nil at the end of the input.
    ///
    /// - Throws: the read error; the lines before it were returned.
    mutating func next() throws -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                var end = newline
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                return line
            }
            if done {
                guard start < buffer.count else { return nil }
                let line = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                return line
            }
            buffer.removeFirst(start)
            start = 0
            if let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                done = true
            }
        }
    }
}
