#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the few system calls this module makes directly.
enum SystemCalls {
    static func writeToStandardError(_ bytes: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        return write(2, base, bytes.count)
    }

    static func closeFile(_ fd: Int32) { _ = close(fd) }

    /// The processors this process may run on: its CPU affinity mask (`taskset`, container
    /// cpusets; the `Cpus_allowed` line of /proc/self/status, as glibc hides
    /// `sched_getaffinity` from Swift), else the online processors; at least 1.
    static let activeProcessors: Int = {
        let online = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        guard let file = fopen("/proc/self/status", "r") else { return online }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let text = line.map({ String(cString: $0) }) {
            guard text.hasPrefix("Cpus_allowed:") else { continue }
            let allowed = text.dropFirst("Cpus_allowed:".count).reduce(0) { count, digit in
                count + (digit.hexDigitValue?.nonzeroBitCount ?? 0)
            }
            return allowed > 0 ? min(allowed, online) : online
        }
        return online
    }()

    /// The message for `code`, e.g. "No space left on device".
    static func errorMessage(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Size of the file at `path`, or nil if it does not exist.
    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// The (device, inode) pair of the file at `path`, or nil if it does not exist: tells
    /// a file apart from a later one with the same name.
    static func fileIdentity(_ path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(
            device: UInt64(info.st_dev),
            inode: UInt64(info.st_ino),
            changed: Int64(info.st_ctim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_ctim.tv_nsec)
        )
    }

    static func fileExists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Names in `directory` (not `.`/`..`).
    static func listDirectory(_ directory: String) throws -> [String] {
        guard let dir = opendir(directory) else {
            throw IndexError.io("\(directory): opendir failed: \(errorMessage(errno))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Creates `path` with mode 0700 unless it exists; ensures an existing directory is 0700 too.
    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o700) != 0 {
            let code = errno
            guard code == EEXIST, isDirectory(path) else {
                throw IndexError.io("\(path): mkdir failed: \(errorMessage(code))")
            }
        }
        if chmod(path, 0o700) != 0 {
            throw IndexError.io("\(path): chmod 0700 failed: \(errorMessage(errno))")
        }
    }

    /// Removes a file; a missing file is not an error.
    static func removeFile(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT {
            throw IndexError.io("\(path): unlink failed: \(errorMessage(errno))")
        }
    }

    /// Removes `path` and everything below it (no symlinks are followed).
    static func removeTree(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in try listDirectory(path) { try removeTree(path + "/" + name) }
            if rmdir(path) != 0 { throw IndexError.io("\(path): rmdir failed: \(errorMessage(errno))") }
        } else {
            try removeFile(path)
        }
    }

    static func rename(_ from: String, _ to: String) throws {
        #if canImport(Glibc)
        let rc = Glibc.rename(from, to)
        #else
        let rc = Darwin.rename(from, to)
        #endif
        if rc != 0 { throw IndexError.io("rename \(from) → \(to) failed: \(errorMessage(errno))") }
    }
}

/// Which file a path named when it was looked at (`SystemCalls.fileIdentity`).
struct FileIdentity: Sendable, Equatable {
    var device: UInt64
    var inode: UInt64
    /// Status-change time in nanoseconds: a file created after another was deleted can get
    /// its inode number, but not its creation moment.
    var changed: Int64
}
