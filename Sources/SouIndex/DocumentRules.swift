import SouDocument

/// The rules a document must follow before it is accepted (PRODUCT.md, "Data model").
public enum DocumentRules {
    /// External ids are at most this many UTF-8 bytes (`DocumentID.maxBytes`).
    public static let maxIDBytes = DocumentID.maxBytes
    /// Field number 255 is reserved for the `_id` term, so at most 255 text fields per segment.
    public static let maxFieldsPerSegment = 255

    /// - Returns: why `document` is not acceptable, or nil if it is.
    public static func violation(in document: Document) -> String? {
        switch DocumentID.problem(document.id) {
        case .empty: return "document id is empty"
        case .tooLong: return "document id is longer than \(maxIDBytes) bytes"
        case .whitespaceOrControl: return "document id contains whitespace or control characters"
        case nil: break
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
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }
}
