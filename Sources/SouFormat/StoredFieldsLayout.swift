/// Sizes and the block-index entry shared by `StoredFieldsWriter` and `StoredFieldsReader`.
///
/// Body layout (docs/FORMAT.md §6):
///
///     compressedBlock*                  // zlib streams, back to back
///     blockEntry[blockCount]            // firstDocID u32, offset u64, compressedSize u32, rawSize u32
///     documentCount: u32
///     blockCount: u32
///     indexOffset: u64                  // body offset of blockEntry[0]
///
///     rawBlock := (documentLength: varint  document: u8[documentLength])*
///     document := id: string  fieldCount: varint  (name: string  value: string)*
enum StoredFieldsLayout {
    /// `documentCount` u32 + `blockCount` u32 + `indexOffset` u64.
    static let trailerSize = 16
    /// `firstDocID` u32 + `offset` u64 + `compressedSize` u32 + `rawSize` u32.
    static let entrySize = 20
    /// deflate cannot expand data by more than about 1032:1, so a larger `rawSize` is corrupt
    /// (and would otherwise make the reader allocate whatever a damaged file asks for).
    static let maximumExpansion = 1100
    /// The smallest encoded document: `documentLength`, an empty id's length, `fieldCount` 0.
    static let minimumDocumentSize = 3

    struct BlockEntry: Sendable, Equatable {
        var firstDocID: UInt32
        var offset: UInt64
        var compressedSize: UInt32
        var rawSize: UInt32

        func encode(into writer: inout ByteWriter) {
            writer.write(firstDocID)
            writer.write(offset)
            writer.write(compressedSize)
            writer.write(rawSize)
        }

        static func decode(from reader: inout ByteReader) throws -> BlockEntry {
            BlockEntry(
                firstDocID: try reader.readUInt32(),
                offset: try reader.readUInt64(),
                compressedSize: try reader.readUInt32(),
                rawSize: try reader.readUInt32()
            )
        }
    }
}
