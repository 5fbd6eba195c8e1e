import SouDocument

/// How the stored-fields file keeps a document.
extension Document {
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
    static func decode(from reader: inout ByteReader) throws -> Document {
        let id = try reader.readString()
        // Each field takes at least two bytes (two empty strings).
        let fieldCount = try reader.readVarintInt(limit: reader.remaining / 2)
        var fields: [Document.Field] = []
        fields.reserveCapacity(fieldCount)
        for _ in 0..<fieldCount {
            let name = try reader.readString()
            let value = try reader.readString()
            fields.append(Document.Field(name: name, value: value))
        }
        return Document(id: id, fields: fields)
    }
}
