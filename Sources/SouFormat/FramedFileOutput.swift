#if canImport(Glibc)
import Glibc
#endif

/// A framed file (docs/FORMAT.md §2) written as it is produced: the header when created, the
/// body in pieces, the CRC-32 of everything when finished. A writer that streams (a merge)
/// never holds a whole file in memory; the bytes on disk are the same as
/// `FileFraming.frame(body, kind:version:)` of the whole body.
///
/// Not thread-safe: one producer at a time.
public final class FramedFileOutput {
    public let path: String
    /// Bytes of the body written so far.
    public private(set) var bodyCount = 0
    private var fd: Int32
    private var crc: UInt32 = 0
    /// Told the size of every piece written (header and footer included), e.g. to throttle.
    private let onWrite: (Int) -> Void

    /// Creates (or truncates) `path` and writes the header.
    /// - Parameters:
    ///   - version: the layout version of the body (default: the kind's current one).
    ///   - onWrite: called after each piece is written with its size.
    /// - Throws: `FormatError.io` if the file cannot be created or written.
    public init(
        path: String,
        kind: FileKind,
        version: UInt16? = nil,
        onWrite: @escaping (Int) -> Void = { _ in }
    ) throws {
        self.path = path
        self.onWrite = onWrite
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FormatError.io(file: path, operation: "open", errno: errno) }
        var header = ByteWriter(capacity: FileFraming.headerSize)
        header.write(bytes: Array(kind.rawValue.utf8))
        header.write(version ?? kind.currentVersion)
        header.write(UInt16(0))
        try header.bytes.withUnsafeBytes { try put($0) }
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Appends body bytes.
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        try put(bytes)
        bodyCount += bytes.count
    }

    /// Appends `writer`'s bytes to the body and empties it (keeping its capacity).
    public func drain(_ writer: inout ByteWriter) throws {
        try writer.bytes.withUnsafeBytes { try append($0) }
        writer.removeAll(keepingCapacity: true)
    }

    /// Writes the CRC-32 footer, fsyncs and closes the file.
    /// - Returns: the file's size in bytes.
    public func finish() throws -> Int {
        var footer = ByteWriter(capacity: FileFraming.footerSize)
        footer.write(crc)
        try footer.bytes.withUnsafeBytes { try put($0) }
        guard fsync(fd) == 0 else { throw FormatError.io(file: path, operation: "fsync", errno: errno) }
        close(fd)
        fd = -1
        return FileFraming.headerSize + bodyCount + FileFraming.footerSize
    }

    private func put(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(fd >= 0, "\(path): written after finish()")
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        crc = CRC32.checksum(bytes, seed: crc)
        var done = 0
        while done < bytes.count {
            let n = write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw FormatError.io(file: path, operation: "write", errno: errno)
            }
            done += n
        }
        onWrite(bytes.count)
    }
}
