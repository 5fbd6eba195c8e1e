/// One stored field of a document: its name and its original (unanalyzed) text.
public struct StoredField: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A document as the stored-fields file keeps it: the external id and the fields in the order
/// they were given.
public struct StoredDocument: Sendable, Equatable {
    /// The external id (the `_id` a client chose).
    public var id: String
    public var fields: [StoredField]

    public init(id: String, fields: [StoredField]) {
        self.id = id
        self.fields = fields
    }

    /// The value of the first field named `name`, or `nil` if there is none.
    public subscript(field name: String) -> String? {
        fields.first { $0.name == name }?.value
    }
}

extension StoredDocument {
    /// Layout (docs/FORMAT.md §6): `id: string  fieldCount: varint  (name: string  value: string)*`,
    /// where `string` is `byteCount: varint  utf8: u8[byteCount]`.
    func encode(into writer: inout ByteWriter) {
        writer.writeString(id)
        writer.writeVarint(fields.count)
        for field in fields {
            writer.writeString(field.name)
            writer.writeString(field.value)
        }
    }

    /// Decodes one document written by `encode(into:)`; invalid UTF-8 is repaired, not trusted.
    static func decode(from reader: inout ByteReader) throws -> StoredDocument {
        let id = try reader.readString()
        // Each field takes at least two bytes (two empty strings).
        let fieldCount = try reader.readVarintInt(limit: reader.remaining / 2)
        var fields: [StoredField] = []
        fields.reserveCapacity(fieldCount)
        for _ in 0..<fieldCount {
            let name = try reader.readString()
            let value = try reader.readString()
            fields.append(StoredField(name: name, value: value))
        }
        return StoredDocument(id: id, fields: fields)
    }
}
