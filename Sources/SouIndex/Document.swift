import SouFormat

/// A document as clients send it: an external id and named text fields, in the order given.
///
/// The index's own type, so that callers above this layer never name the format layer:
/// `SegmentBuilder` hands it to the stored-fields writer as a `StoredDocument`, and
/// `SegmentReader` turns what that file holds back into a `Document`.
public struct Document: Sendable, Equatable {
    /// One named text field and its original (unanalyzed) value.
    public struct Field: Sendable, Equatable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The external id (the `_id` a client chose).
    public var id: String
    public var fields: [Field]

    public init(id: String, fields: [Field]) {
        self.id = id
        self.fields = fields
    }

    /// The value of the first field named `name`, or `nil` if there is none.
    public subscript(field name: String) -> String? {
        fields.first { $0.name == name }?.value
    }
}

extension Document {
    /// A document read back from a stored-fields file.
    init(_ stored: StoredDocument) {
        self.init(id: stored.id, fields: stored.fields.map { Field(name: $0.name, value: $0.value) })
    }

    /// The document as the stored-fields file keeps it.
    var stored: StoredDocument {
        StoredDocument(id: id, fields: fields.map { StoredField(name: $0.name, value: $0.value) })
    }
}

/// The rules a document must follow before it is accepted (PRODUCT.md, "Data model").
public enum DocumentRules {
    /// External ids are at most this many UTF-8 bytes.
    public static let maxIDBytes = 512
    /// Field number 255 is reserved for the `_id` term, so at most 255 text fields per segment.
    public static let maxFieldsPerSegment = 255

    /// - Returns: why `document` is not acceptable, or nil if it is.
    public static func violation(in document: Document) -> String? {
        let id = document.id
        if id.isEmpty { return "document id is empty" }
        if id.utf8.count > maxIDBytes { return "document id is longer than \(maxIDBytes) bytes" }
        if id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return "document id contains whitespace or control characters"
        }
        var seen = Set<String>()
        for field in document.fields {
            if !isValidFieldName(field.name) {
                return "field name '\(field.name)' must match [a-z][a-z0-9_]* (at most 64 bytes)"
            }
            if !seen.insert(field.name).inserted { return "field '\(field.name)' appears twice" }
        }
        return nil
    }

    /// `[a-z][a-z0-9_]*`, at most 64 bytes; `id` is the external id, not a field.
    public static func isValidFieldName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 64, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        if name == "id" { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }
}
