#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides what to do with whatever is at the socket path before `soud` binds.
public enum SocketFile {
    /// What was found at the path.
    public enum State: Sendable, Equatable {
        /// Nothing: bind.
        case absent
        /// A socket no process answers on (a crashed daemon's): remove it, then bind.
        case stale
        /// A socket another process is serving: refuse to start.
        case live
        /// Something that is not a socket: refuse to touch it.
        case notASocket
    }

    /// Inspects `path`, connecting to it if it is a socket.
    public static func state(of path: String) -> State {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .absent }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else { return .notASocket }
        return canConnect(to: path) ? .live : .stale
    }

    /// Whether a process accepts connections on the socket at `path`.
    public static func canConnect(to path: String) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    /// Prepares `path` for binding: removes a stale socket.
    ///
    /// - Throws: `DaemonError.socketInUse` when a live daemon answers on it,
    ///   `DaemonError.socketPathOccupied` when it is not a socket.
    public static func prepare(_ path: String) throws(DaemonError) {
        switch state(of: path) {
        case .absent: return
        case .stale:
            if unlink(path) != 0 && errno != ENOENT {
                throw .socketPathOccupied(
                    path: path,
                    reason: "cannot remove stale socket: \(String(cString: strerror(errno)))"
                )
            }
        case .live: throw .socketInUse(path: path)
        case .notASocket: throw .socketPathOccupied(path: path, reason: "exists and is not a socket")
        }
    }

    /// Sets the socket file's permission bits.
    public static func setMode(_ path: String, _ mode: UInt32) throws(DaemonError) {
        if chmod(path, mode_t(mode)) != 0 {
            throw .socketPathOccupied(path: path, reason: "chmod failed: \(String(cString: strerror(errno)))")
        }
    }
}
