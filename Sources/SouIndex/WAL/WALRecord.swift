import SouDocument
import SouFormat

/// What one write-ahead log record says (docs/FORMAT.md §10): one ADD batch or one DELETE.
///
/// Payloads:
///
///     ADD    (type 1) := count: varint { id: string  fieldCount: varint { name: string  value: string }* }*
///     DELETE (type 2) := count: varint { id: string }*
public enum WALRecord: Sendable, Equatable {
    /// Documents to upsert, in order (a later one with the same id wins).
    case add([Document])
    /// External ids to delete.
    case delete([String])

    /// The record type byte.
    public var type: UInt8 {
        switch self {
        case .add: return WALFormat.addType
        case .delete: return WALFormat.deleteType
        }
    }

    /// The payload bytes.
    public func encodePayload() -> [UInt8] {
        var writer = ByteWriter(capacity: 256)
        switch self {
        case .add(let documents):
            writer.writeVarint(documents.count)
            for document in documents {
                writer.writeString(document.id)
                writer.writeVarint(document.fields.count)
                for field in document.fields {
                    writer.writeString(field.name)
                    writer.writeString(field.value)
                }
            }
        case .delete(let ids):
            writer.writeVarint(ids.count)
            for id in ids { writer.writeString(id) }
        }
        return writer.bytes
    }

    /// Decodes a payload whose CRC already matched.
    ///
    /// - Throws: `FormatError.corrupt`/`.truncated` naming `file` if the payload is malformed.
    public static func decode(type: UInt8, payload: [UInt8], file: String) throws -> WALRecord {
        try payload.withUnsafeBytes { raw in
            var reader = ByteReader(raw, file: file)
            let count = try reader.readVarintInt(limit: raw.count)
            let record: WALRecord
            switch type {
            case WALFormat.addType:
                var documents: [Document] = []
                documents.reserveCapacity(count)
                for _ in 0..<count {
                    let id = try reader.readString()
                    let fieldCount = try reader.readVarintInt(limit: reader.remaining)
                    var fields: [Document.Field] = []
                    for _ in 0..<fieldCount {
                        let name = try reader.readString()
                        fields.append(Document.Field(name: name, value: try reader.readString()))
                    }
                    documents.append(Document(id: id, fields: fields))
                }
                record = .add(documents)
            case WALFormat.deleteType:
                var ids: [String] = []
                for _ in 0..<count { ids.append(try reader.readString()) }
                record = .delete(ids)
            default:
                throw FormatError.corrupt(file: file, reason: "unknown WAL record type \(type)")
            }
            guard reader.isAtEnd else { throw FormatError.corrupt(file: file, reason: "trailing bytes in WAL record") }
            return record
        }
    }
}
