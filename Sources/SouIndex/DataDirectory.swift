import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A data directory held exclusively by this process: created with mode 0700 and locked
/// with `flock` on its `LOCK` file for as long as this object lives (or until `unlock()`).
///
/// Layout: `LOCK` (holds the owner's pid, for the error message), one directory per
/// index named after it, and `.trash-*` directories of dropped indexes being removed.
///
/// `flock` locks belong to an open file description, so a second `DataDirectory` for the
/// same path fails even inside one process, and the kernel releases the lock when the
/// process dies (even by `kill -9`): a stale LOCK file never blocks a restart.
public final class DataDirectory: Sendable {
    /// The directory's path as given.
    public let path: String
    private let lockFD: Mutex<Int32>

    /// The LOCK file's name.
    public static let lockFileName = "LOCK"

    /// Creates `path` (0700) if needed and takes its lock.
    ///
    /// - Throws: `IndexError.locked(path:)` if another holder has it; `IndexError.io` otherwise.
    public init(path: String) throws {
        self.path = path
        try SystemCalls.makeDirectory(path)
        let lockPath = path + "/" + Self.lockFileName
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw IndexError.io("\(lockPath): open failed: \(SystemCalls.errorMessage(errno))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            SystemCalls.closeFile(fd)
            if code == EWOULDBLOCK || code == EAGAIN { throw IndexError.locked(path: lockPath) }
            throw IndexError.io("\(lockPath): flock failed: \(SystemCalls.errorMessage(code))")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        lockFD = Mutex(fd)
    }

    deinit { unlock() }

    /// Releases the lock (idempotent).
    public func unlock() {
        lockFD.withLock { fd in
            guard fd >= 0 else { return }
            _ = flock(fd, LOCK_UN)
            SystemCalls.closeFile(fd)
            fd = -1
        }
    }

    /// The directory of the index `name`.
    public func indexPath(_ name: String) -> String { path + "/" + name }

    /// Names of the indexes present: directories with a valid name that hold a manifest, or
    /// index files without one (a damaged index: opening it reports the missing manifest,
    /// nothing is created over it). A directory with neither is a `CREATE` that a crash
    /// interrupted before its manifest: not an index.
    public func indexNames() throws -> [String] {
        try SystemCalls.listDirectory(path).filter { name in
            guard Self.isValidIndexName(name) else { return false }
            let directory = indexPath(name)
            return SystemCalls.fileExists(directory + "/" + Manifest.fileName) || Self.holdsIndexFiles(directory)
        }
    }

    /// Whether `directory` holds segment or log files (`seg-*`, `wal-*`).
    static func holdsIndexFiles(_ directory: String) -> Bool {
        let files = (try? SystemCalls.listDirectory(directory)) ?? []
        return files.contains { $0.hasPrefix("seg-") || $0.hasPrefix("wal-") }
    }

    /// Removes leftovers of interrupted drops (`.trash-*`).
    public func removeTrash() throws {
        for name in try SystemCalls.listDirectory(path) where name.hasPrefix(".trash-") {
            try SystemCalls.removeTree(path + "/" + name)
        }
    }

    /// `[a-z0-9][a-z0-9_-]{0,63}`.
    public static func isValidIndexName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 64 else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return isAlphanumeric(first)
            && bytes.dropFirst().allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }
}
