import Foundation
import SouDocument

/// A document as it travels on the wire: one JSON object of strings with an `"id"`.
///
/// `{"id": "a1", "title": "…", "body": "…", "author": "…"}`. JSON escapes carry newlines,
/// tabs, quotes and any Unicode, so a document always fits on one protocol line.
public struct ProtocolDocument: Sendable, Equatable {
    /// The external id: 1…512 bytes of UTF-8 without whitespace or control characters
    /// (`DocumentID`).
    public var id: String
    /// The fields other than `id`, `title` and `body` first, then the rest by name.
    public var fields: [(name: String, value: String)]

    /// - Parameters:
    ///   - id: the external id.
    ///   - fields: field names and values, in the order they are stored.
    public init(id: String, fields: [(name: String, value: String)]) {
        self.id = id
        self.fields = fields
    }

    public static func == (lhs: ProtocolDocument, rhs: ProtocolDocument) -> Bool {
        lhs.id == rhs.id && lhs.fields.map(\.name) == rhs.fields.map(\.name)
            && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }

    /// Parses one JSON object.
    ///
    /// - Parameter json: the UTF-8 bytes of the object.
    /// - Returns: the document, fields ordered `title`, `body`, then by name.
    /// - Throws: `ProtocolError` with `.badDocument` when the text is not a JSON object, a
    ///   value is not a string, or the id is missing or invalid.
    public static func parse(json: some Collection<UInt8>) throws(ProtocolError) -> ProtocolDocument {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json), options: [])
        } catch {
            throw ProtocolError(.badDocument, "not valid JSON: expected one object like {\"id\":\"a1\",\"body\":\"…\"}")
        }
        guard let dictionary = object as? [String: Any] else {
            throw ProtocolError(.badDocument, "expected a JSON object like {\"id\":\"a1\",\"body\":\"…\"}")
        }
        // Foundation keeps the last of repeated keys silently; a document that names its id
        // or a field twice is ambiguous, so it is refused.
        guard topLevelKeyCount(json) == dictionary.count else {
            throw ProtocolError(.badDocument, "a key appears twice in the object (each of id and the fields once)")
        }
        var id: String?
        var fields: [(name: String, value: String)] = []
        for (name, value) in dictionary {
            guard let text = value as? String else {
                throw ProtocolError(.badDocument, "field '\(name)' must be a string")
            }
            if name == "id" { id = text } else { fields.append((name, text)) }
        }
        guard let id else { throw ProtocolError(.badDocument, "missing \"id\"") }
        if let problem = validate(id: id) { throw ProtocolError(.badDocument, problem) }
        for field in fields where field.name.isEmpty || field.name.utf8.count > 64 {
            throw ProtocolError(.badDocument, "field names must be 1...64 bytes")
        }
        fields.sort { order($0.name, before: $1.name) }
        return ProtocolDocument(id: id, fields: fields)
    }

    /// The number of members of the top-level object of `json`, which must be valid JSON
    /// text holding an object: each string that follows its `{` or a `,` at depth 1 is a key.
    static func topLevelKeyCount(_ json: some Collection<UInt8>) -> Int {
        var depth = 0
        var inString = false
        var escaped = false
        var expectingKey = false
        var count = 0
        for byte in json {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                if depth == 1 && expectingKey {
                    count += 1
                    expectingKey = false
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingKey = depth == 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
            default:
                break
            }
        }
        return count
    }

    /// Returns why `id` cannot be a document id, or nil when it can.
    ///
    /// Ids travel as single words (`GET id`, `DELETE id…`), so they hold no whitespace.
    public static func validate(id: String) -> String? {
        switch DocumentID.problem(id) {
        case .empty: return "empty id"
        case .tooLong: return "id longer than \(DocumentID.maxBytes) bytes"
        case .whitespaceOrControl: return "id must not contain whitespace or control characters"
        case nil: return nil
        }
    }

    /// The document as one compact JSON object: `id` first, then the fields in order.
    public func json() -> JSONValue {
        .object([("id", .string(id))] + fields.map { ($0.name, JSONValue.string($0.value)) })
    }

    private static func order(_ a: String, before b: String) -> Bool {
        func rank(_ name: String) -> Int { name == "title" ? 0 : name == "body" ? 1 : 2 }
        let (ra, rb) = (rank(a), rank(b))
        return ra != rb ? ra < rb : Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
    }
}
