import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The process on the other end of a Unix socket, from `SO_PEERCRED` (Linux).
public struct PeerCredentials: Sendable, Equatable {
    /// The peer's process id.
    public var pid: Int32
    /// The peer's effective user id.
    public var uid: UInt32
    /// The peer's effective group id.
    public var gid: UInt32

    /// Same layout as Linux's `struct ucred` (pid_t, uid_t, gid_t).
    struct RawCredentials: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// Reads the peer credentials of `channel`, or nil where the platform has no `SO_PEERCRED`.
    public static func of(_ channel: any Channel) async -> PeerCredentials? {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        do {
            let raw: RawCredentials = try await provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET),
                name: SocketOptionName(SO_PEERCRED)
            ).get()
            return PeerCredentials(pid: raw.pid, uid: raw.uid, gid: raw.gid)
        } catch {
            return nil
        }
        #else
        return nil
        #endif
    }
}
