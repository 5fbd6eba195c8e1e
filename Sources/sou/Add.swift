import ArgumentParser
import Foundation

struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add or replace documents given as JSON lines, from files or standard input.",
        discussion: "One JSON object per line: {\"id\": \"...\", \"title\": \"...\", \"body\": \"...\", other string fields}. Empty lines are skipped.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Do not COMMIT at the end (documents still become searchable within the refresh interval).")
    var noCommit = false
    @Argument(help: "JSON-lines files (default: standard input; - also means standard input).") var files: [String] = []

    func run() throws {
        let connection = try global.connect()
        var sender = DocumentSender(connection: connection)
        let sources = files.isEmpty ? ["-"] : files
        for source in sources {
            let handle: FileHandle
            if source == "-" {
                handle = FileHandle.standardInput
            } else {
                guard let opened = FileHandle(forReadingAtPath: source) else {
                    sender.fail("\(source): cannot open")
                    continue
                }
                handle = opened
            }
            for line in LineReader(handle: handle) where !IndexFiles.isBlank(line) {
                try sender.add(json: line)
            }
        }
        try sender.finish(commit: !noCommit, json: global.json)
    }
}

/// Reads a file handle line by line (`\n`, `\r\n`), in 1 MiB chunks.
struct LineReader: Sequence, IteratorProtocol {
    let handle: FileHandle
    var buffer: [UInt8] = []
    var start = 0
    var done = false

    init(handle: FileHandle) {
        self.handle = handle
    }

    mutating func next() -> String? {
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
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { done = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}
