/// Why `soud` cannot start.
public enum DaemonError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another daemon answers on the socket.
    case socketInUse(path: String)
    /// Something at the socket path that `soud` will not remove.
    case socketPathOccupied(path: String, reason: String)
    /// Binding the socket failed.
    case bindFailed(path: String, reason: String)
    /// The catalog could not be opened.
    case catalog(String)

    public var description: String {
        switch self {
        case .socketInUse(let path):
            return "another soud is already serving \(path); stop it first or pass a different --socket"
        case .socketPathOccupied(let path, let reason): return "cannot use socket path \(path): \(reason)"
        case .bindFailed(let path, let reason): return "cannot listen on \(path): \(reason)"
        case .catalog(let message): return "cannot open the data directory: \(message)"
        }
    }
}
