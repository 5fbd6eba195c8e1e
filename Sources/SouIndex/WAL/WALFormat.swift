import SouFormat

/// The byte layout shared by `WALWriter` and `WALReader` (docs/FORMAT.md §10).
///
///     <beginning_of_file>
///     magic:    u8[4]   // "SOUW"
///     version:  u16     // 1
///     reserved: u16     // 0
///     zero-or-more {
///       length:   u32   // payload bytes
///       crc32:    u32   // CRC-32 of length, type, sequence and payload (everything but itself)
///       type:     u8    // 1 = ADD, 2 = DELETE (WALRecord)
///       sequence: u64   // strictly increasing within and across log files
///       payload:  u8[length]
///     }
///     <end_of_file>
///
/// There is no footer: the log is append-only and each record carries its own checksum.
enum WALFormat {
    static let headerSize = FileFraming.headerSize
    /// length + crc32 + type + sequence.
    static let recordHeaderSize = 4 + 4 + 1 + 8
    /// A sanity bound on one record (the daemon limits documents far below this).
    static let maxPayload = 1 << 30
    /// Record type of an ADD batch (documents to upsert).
    static let addType: UInt8 = 1
    /// Record type of a DELETE (external ids).
    static let deleteType: UInt8 = 2
    static let recordTypes: Set<UInt8> = [addType, deleteType]

    /// The file header: magic, version, reserved.
    static func fileHeader() -> [UInt8] {
        var writer = ByteWriter(capacity: headerSize)
        writer.write(bytes: Array(FileKind.writeAheadLog.rawValue.utf8))
        writer.write(FileKind.writeAheadLog.currentVersion)
        writer.write(UInt16(0))
        return writer.bytes
    }

    /// One whole record as it is appended.
    static func encodeRecord(type: UInt8, sequence: UInt64, payload: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: recordHeaderSize + payload.count)
        writer.write(UInt32(payload.count))
        writer.write(UInt32(0))  // crc32, patched below
        writer.write(type)
        writer.write(sequence)
        writer.write(bytes: payload)
        var bytes = writer.bytes
        let crc = bytes.withUnsafeBytes { raw in
            CRC32.checksum(
                UnsafeRawBufferPointer(rebasing: raw[8...]),
                seed: CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<4]))
            )
        }
        withUnsafeBytes(of: crc.littleEndian) { raw in
            for i in 0..<4 { bytes[4 + i] = raw[i] }
        }
        return bytes
    }

    /// Name of the log file with generation `number`, e.g. `wal-0000000000000007.log`.
    static func fileName(_ number: UInt64) -> String {
        let hex = String(number, radix: 16)
        return "wal-" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex + ".log"
    }

    /// The generation of a log file name, or nil if `name` is not one.
    static func fileNumber(_ name: String) -> UInt64? {
        guard name.hasPrefix("wal-"), name.hasSuffix(".log"), name.utf8.count == 24 else { return nil }
        return UInt64(name.dropFirst(4).dropLast(4), radix: 16)
    }
}
