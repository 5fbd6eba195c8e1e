import Foundation

/// A document read from a JSON-lines file: `{"id": …, "<field>": "<text>", …}` per line, the
/// format `sou add` and `sou index` read (docs/PROTOCOL.md, ADD).
public struct JSONLDocument: Sendable {
    public var id: String
    /// Text fields in the order of the line's keys as Foundation returns them, sorted by name.
    public var fields: [(name: String, value: String)]

    /// All field texts joined by newlines (for query sampling and brute-force checks).
    public var text: String { fields.map(\.value).joined(separator: "\n") }
}

public enum JSONLines {
    public enum ReadError: Error, CustomStringConvertible {
        case unreadable(path: String)
        case badLine(path: String, line: Int)

        public var description: String {
            switch self {
            case .unreadable(let path): "cannot read \(path)"
            case .badLine(let path, let line): "\(path):\(line): not a JSON object with a string \"id\""
            }
        }
    }

    /// Reads every non-empty line of `path`; non-string members other than `id` are skipped.
    /// - Throws: `ReadError` for an unreadable file or a line that is not a document.
    public static func read(path: String) throws -> (documents: [JSONLDocument], bytes: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { throw ReadError.unreadable(path: path) }
        var documents: [JSONLDocument] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let id = object["id"] as? String
            else { throw ReadError.badLine(path: path, line: lineNumber) }
            let fields = object.compactMap { key, value -> (name: String, value: String)? in
                guard key != "id", let text = value as? String else { return nil }
                return (key, text)
            }.sorted { $0.name < $1.name }
            documents.append(JSONLDocument(id: id, fields: fields))
        }
        return (documents, data.count)
    }
}
