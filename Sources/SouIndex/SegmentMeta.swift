import SouFormat

/// The `.meta` file of a segment: its size and its field table.
///
///     documentCount: u32
///     fieldCount:    u8
///     fieldCount × { name: varint-length UTF-8  totalLength: u64  documentCount: u32 }
///
/// A field's number is its index in this table; number 255 is the reserved `_id` field.
public struct SegmentMeta: Sendable, Equatable {
    public static let idFieldNumber: UInt8 = 255

    public var documentCount: Int
    public var fieldNames: [String]
    public var fieldStatistics: [FieldStatistics]

    public init(documentCount: Int, fieldNames: [String], fieldStatistics: [FieldStatistics]) {
        self.documentCount = documentCount
        self.fieldNames = fieldNames
        self.fieldStatistics = fieldStatistics
    }

    public func fieldNumber(_ name: String) -> Int? { fieldNames.firstIndex(of: name) }

    public func encode() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(UInt32(documentCount))
        writer.write(UInt8(fieldNames.count))
        for (name, statistics) in zip(fieldNames, fieldStatistics) {
            writer.writeString(name)
            writer.write(statistics.totalLength)
            writer.write(statistics.documentCount)
        }
        return FileFraming.frame(writer.bytes, kind: .segmentMeta)
    }

    public init(file: MappedFile) throws {
        let (body, _) = try FileFraming.verify(file.bytes, kind: .segmentMeta, file: file.name)
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: file.bytes[body]), file: file.name)
        documentCount = Int(try reader.readUInt32())
        let count = Int(try reader.readUInt8())
        fieldNames = []
        fieldStatistics = []
        for _ in 0..<count {
            fieldNames.append(try reader.readString())
            fieldStatistics.append(
                FieldStatistics(totalLength: try reader.readUInt64(), documentCount: try reader.readUInt32())
            )
        }
        guard reader.isAtEnd else {
            throw FormatError.corrupt(file: file.name, reason: "trailing bytes in segment meta")
        }
    }
}
