import SouFormat

/// Reads a write-ahead log file and finds where its valid records end.
///
/// A record that is incomplete (a torn write) or whose checksum, type or sequence number
/// is wrong ends the log: it and everything after it are reported as ignored, never
/// applied. Only a damaged *file header* is an error, since a log whose header was never
/// made durable cannot exist (the writer fsyncs the header before the first record).
public struct WALReader {
    /// One record as read back.
    public struct Entry: Sendable, Equatable {
        public var sequence: UInt64
        public var type: UInt8
        public var payload: [UInt8]
    }

    /// What a log file holds.
    public struct Contents: Sendable {
        /// The complete, verified records, in file order.
        public var entries: [Entry]
        /// Bytes from the start of the file to the end of the last good record
        /// (0 when even the header is missing: a log torn at creation).
        public var validLength: Int
        /// The file's length on disk.
        public var fileLength: Int
        /// Why reading stopped before the end of the file, if it did.
        public var problem: String?
    }

    /// Reads every valid record of the log at `path`.
    ///
    /// - Parameters:
    /// - Parameter path: the log file.
    /// - Returns: the valid prefix and where it ends.
    /// - Throws: `IndexError.corrupt` if the file header is present but wrong,
    ///   `IndexError.io` if the file cannot be read.
    public static func read(path: String) throws -> Contents {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch { throw IndexError.wrap(error) }
        let bytes = file.bytes
        let name = file.name
        if bytes.count < WALFormat.headerSize {
            return Contents(
                entries: [],
                validLength: 0,
                fileLength: bytes.count,
                problem: bytes.isEmpty ? nil : "\(name): header torn (\(bytes.count) bytes)"
            )
        }
        var reader = ByteReader(bytes, file: name)
        do {
            let magic = try reader.readUInt32()
            guard magic == FileKind.writeAheadLog.magic else {
                throw FormatError.badMagic(file: name, found: magic, expected: FileKind.writeAheadLog.magic)
            }
            let version = try reader.readUInt16()
            guard FileKind.writeAheadLog.supportedVersions.contains(version) else {
                throw FormatError.unsupportedVersion(
                    file: name,
                    found: version,
                    supported: FileKind.writeAheadLog.supportedVersions
                )
            }
            guard try reader.readUInt16() == 0 else {
                throw FormatError.corrupt(file: name, reason: "reserved header bytes are not zero")
            }
        } catch {
            throw IndexError.wrap(error)
        }

        var entries: [Entry] = []
        var offset = WALFormat.headerSize
        var previous: UInt64?
        var problem: String?
        while offset < bytes.count {
            guard bytes.count - offset >= WALFormat.recordHeaderSize else {
                problem = "\(name): torn record header at byte \(offset)"
                break
            }
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
            guard length <= WALFormat.maxPayload, length <= bytes.count - offset - WALFormat.recordHeaderSize else {
                problem = "\(name): torn or corrupt record at byte \(offset) (length \(length))"
                break
            }
            let end = offset + WALFormat.recordHeaderSize + length
            let actual = CRC32.checksum(
                UnsafeRawBufferPointer(rebasing: bytes[(offset + 8)..<end]),
                seed: CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 4)]))
            )
            guard actual == stored else {
                problem = "\(name): checksum mismatch in record at byte \(offset)"
                break
            }
            let type = bytes[offset + 8]
            let sequence = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 9, as: UInt64.self))
            guard WALFormat.recordTypes.contains(type) else {
                problem = "\(name): unknown record type \(type) at byte \(offset)"
                break
            }
            if let previous, sequence <= previous {
                problem = "\(name): sequence \(sequence) after \(previous) at byte \(offset)"
                break
            }
            entries.append(
                Entry(
                    sequence: sequence,
                    type: type,
                    payload: Array(bytes[(offset + WALFormat.recordHeaderSize)..<end])
                )
            )
            previous = sequence
            offset = end
        }
        return Contents(entries: entries, validLength: offset, fileLength: bytes.count, problem: problem)
    }
}
