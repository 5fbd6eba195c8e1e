#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking file-system operations that make data durable. Call them off the event loop.
public enum DurableFile {
    /// `writeAtomically` renamed the new file into place, then the fsync of its directory
    /// failed: `path` now holds the new contents (the old ones are gone), but the
    /// replacement is not known to survive a power loss. Every other error from
    /// `writeAtomically` leaves the old file in place.
    public struct ReplacedButNotSynced: Error, Sendable, Equatable, CustomStringConvertible {
        /// The file that was replaced.
        public var path: String
        /// The failed directory fsync (or open).
        public var underlying: FormatError

        public init(path: String, underlying: FormatError) {
            self.path = path
            self.underlying = underlying
        }

        public var description: String { "\(path): replaced, but the directory sync failed: \(underlying)" }
    }

    /// Writes `bytes` to `path` through a temporary file: write, fsync, rename, fsync directory.
    /// A crash leaves either the old file or the new one, never a torn one.
    ///
    /// - Throws: `FormatError` if the temporary file cannot be written or renamed (the old
    ///   file is untouched, the temporary one removed); `ReplacedButNotSynced` if the rename
    ///   succeeded but the directory fsync failed (the new file is in place).
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp"
        do {
            try write(bytes, to: temporary, sync: true)
        } catch {
            unlink(temporary)  // a partial temp file (disk full) must not hold space
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FormatError.io(file: path, operation: "rename", errno: code)
        }
        do {
            try syncDirectory(containing: path)
        } catch let error as FormatError {
            throw ReplacedButNotSynced(path: path, underlying: error)
        }
    }

    /// Creates (or truncates) `path` and writes `bytes`; with `sync`, fsyncs before returning.
    public static func write(_ bytes: [UInt8], to path: String, sync: Bool) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FormatError.io(file: path, operation: "open", errno: errno) }
        defer { close(fd) }
        try writeAll(fd: fd, bytes: bytes, path: path)
        if sync { guard fsync(fd) == 0 else { throw FormatError.io(file: path, operation: "fsync", errno: errno) } }
    }

    /// Writes every byte, retrying short writes and EINTR.
    public static func writeAll(fd: Int32, bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FormatError.io(file: path, operation: "write", errno: errno)
                }
                done += n
            }
        }
    }

    /// fsyncs the directory holding `path`, so a rename or a new file survives power loss.
    public static func syncDirectory(containing path: String) throws {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        try syncDirectory(directory.isEmpty ? "." : directory)
    }

    /// fsyncs `directory`, so renames, new files and removals in it survive power loss.
    /// - Throws: `FormatError.io` if it cannot be opened or fsynced.
    public static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FormatError.io(file: directory, operation: "open", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FormatError.io(file: directory, operation: "fsync", errno: errno) }
    }

    /// Reads a whole (small) file into memory.
    public static func read(_ path: String) throws -> [UInt8] {
        let file = try MappedFile(path: path)
        return Array(file.bytes)
    }
}
