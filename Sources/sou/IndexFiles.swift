import ArgumentParser
import Foundation
import SouProtocol

struct IndexFiles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index .txt, .md and .jsonl files and folders, then COMMIT.",
        discussion: """
            A .txt or .md file becomes one document: id = its path relative to the argument (the file name \
            when the argument is the file; whitespace in ids becomes _), title = its first non-empty line, \
            body = its text. A .jsonl file holds one JSON document per line. Other files are skipped.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Files and folders.") var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder, e.g. sou index seeds") }
    }

    /// A file to index and the id it gets.
    struct Entry {
        let path: String
        let id: String
        let isJSONLines: Bool
    }

    func run() throws {
        let entries = try Self.entries(for: paths)
        var sender = DocumentSender(connection: try global.connect())
        try Self.send(entries, with: &sender)
        try sender.finish(commit: true, json: global.json)
    }

    /// The files to index under `paths`, in order: folders walked recursively, sorted.
    ///
    /// - Throws: `ValidationError` (exit 2) for a path that does not exist.
    static func entries(for paths: [String]) throws -> [Entry] {
        var entries: [Entry] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("no such file or folder: \(path)")
            }
            if isDirectory.boolValue {
                let root = URL(fileURLWithPath: path).standardizedFileURL.path
                let relatives = ((try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? []).sorted()
                for relative in relatives {
                    // Only regular files are read: a folder named x.jsonl is walked (its files
                    // are listed here too), never opened as a file; a FIFO would block.
                    let file = root + "/" + relative
                    guard FileKind(path: file) == .regular else { continue }
                    if let entry = Self.entry(path: file, id: relative) { entries.append(entry) }
                }
            } else if let entry = Self.entry(path: path, id: URL(fileURLWithPath: path).lastPathComponent) {
                entries.append(entry)
            }
        }
        return entries
    }

    /// Sends every document of `entries` through `sender` (without the final flush or COMMIT);
    /// a file that cannot be read is counted as a failure and skipped.
    static func send(_ entries: [Entry], with sender: inout DocumentSender) throws {
        sender.expectedTotal = entries.allSatisfy { !$0.isJSONLines } ? entries.count : nil
        for entry in entries {
            if entry.isJSONLines {
                let handle: FileHandle
                do {
                    handle = try InputFile.open(entry.path)
                } catch {
                    sender.fail("\(entry.path): cannot read: \(InputFile.reason(error))")
                    continue
                }
                defer { try? handle.close() }
                try sender.addLines(of: handle, name: entry.path)
                continue
            }
            let data: Data
            do {
                data = try InputFile.contents(entry.path)
            } catch {
                sender.fail("\(entry.path): cannot read: \(InputFile.reason(error))")
                continue
            }
            let text = String(decoding: data, as: UTF8.self)
            let title = Self.firstNonEmptyLine(text)
            let json = JSONValue.object([("id", .string(entry.id)), ("title", .string(title)), ("body", .string(text))])
            try sender.add(json: json.encoded())
        }
    }

    static func isBlank(_ line: String) -> Bool {
        line.utf8.allSatisfy { $0 == 32 || $0 == 9 || $0 == 13 }
    }

    /// The first line with something other than whitespace, trimmed.
    static func firstNonEmptyLine(_ text: String) -> String {
        var rest = Substring(text)
        while !rest.isEmpty {
            let end = rest.firstIndex(where: \.isNewline) ?? rest.endIndex
            let line = rest[..<end].trimmingCharacters(in: .whitespaces)
            if !line.isEmpty { return line }
            rest = end == rest.endIndex ? "" : rest[rest.index(after: end)...]
        }
        return ""
    }

    static func entry(path: String, id: String) -> Entry? {
        let lower = path.lowercased()
        let cleanID = String(id.map { $0.isWhitespace ? "_" : $0 })
        if lower.hasSuffix(".txt") || lower.hasSuffix(".md") {
            return Entry(path: path, id: cleanID, isJSONLines: false)
        }
        if lower.hasSuffix(".jsonl") { return Entry(path: path, id: cleanID, isJSONLines: true) }
        return nil
    }
}
