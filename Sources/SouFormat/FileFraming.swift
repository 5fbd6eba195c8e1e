/// The frame every Sou file shares (docs/FORMAT.md §2):
///
///     <beginning_of_file>
///     magic:    u8[4]   // FileKind raw value, e.g. "SOUP"
///     version:  u16     // FileKind.currentVersion when written
///     reserved: u16     // zero
///     body:     u8[*]
///     crc32:    u32     // CRC-32 of every byte before it
///     <end_of_file>
public enum FileFraming {
    public static let headerSize = 8
    public static let footerSize = 4

    /// Wraps `body` in header and footer.
    /// - Parameter version: the layout version of `body` (default: the kind's current one).
    public static func frame(_ body: [UInt8], kind: FileKind, version: UInt16? = nil) -> [UInt8] {
        var out = ByteWriter(capacity: body.count + headerSize + footerSize)
        out.write(bytes: Array(kind.rawValue.utf8))
        out.write(version ?? kind.currentVersion)
        out.write(UInt16(0))
        out.write(bytes: body)
        let crc = CRC32.checksum(out.bytes)
        out.write(crc)
        return out.bytes
    }

    /// Checks magic, version and checksum of a whole file image.
    ///
    /// - Returns: the range of the body within `bytes`, and the file's version.
    /// - Throws: `FormatError` naming `file` if anything does not match.
    public static func verify(
        _ bytes: UnsafeRawBufferPointer,
        kind: FileKind,
        file: String,
        checksum: Bool = true
    ) throws -> (body: Range<Int>, version: UInt16) {
        guard bytes.count >= headerSize + footerSize else {
            throw FormatError.truncated(file: file, offset: bytes.count)
        }
        var reader = ByteReader(bytes, file: file)
        let magic = try reader.readUInt32()
        guard magic == kind.magic else { throw FormatError.badMagic(file: file, found: magic, expected: kind.magic) }
        let version = try reader.readUInt16()
        guard kind.supportedVersions.contains(version) else {
            throw FormatError.unsupportedVersion(file: file, found: version, supported: kind.supportedVersions)
        }
        let end = bytes.count - footerSize
        if checksum {
            let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: end, as: UInt32.self))
            let actual = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<end]))
            guard stored == actual else {
                throw FormatError.checksumMismatch(file: file, expected: stored, actual: actual)
            }
        }
        return (headerSize..<end, version)
    }

    /// How many bytes `verifyChecksum(of:)` reads before it drops them from the process's
    /// resident memory: a background pass over a 1 GB index must not grow the daemon by 1 GB.
    static let checksumChunk = 8 << 20

    /// Checks the CRC-32 footer of a mapped file whose frame `verify(_:kind:file:checksum:)`
    /// already accepted, a chunk at a time: each chunk is read ahead (`MADV_WILLNEED`) and,
    /// once summed, dropped from this process's mappings (the page cache keeps it).
    /// - Throws: `FormatError.checksumMismatch` or `.truncated` naming the file.
    /// - Complexity: O(file size), one sequential read.
    public static func verifyChecksum(of file: MappedFile) throws {
        let bytes = file.bytes
        guard bytes.count >= headerSize + footerSize else {
            throw FormatError.truncated(file: file.name, offset: bytes.count)
        }
        let end = bytes.count - footerSize
        var crc: UInt32 = 0
        var start = 0
        while start < end {
            let stop = min(end, start + checksumChunk)
            if stop < end { file.willNeed(stop..<min(end, stop + checksumChunk)) }
            crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[start..<stop]), seed: crc)
            file.countChecksummed(stop - start)
            file.releaseResidentPages(start..<stop)
            start = stop
        }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: end, as: UInt32.self))
        guard stored == crc else {
            throw FormatError.checksumMismatch(file: file.name, expected: stored, actual: crc)
        }
    }
}
