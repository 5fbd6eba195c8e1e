import NIOCore
import Synchronization

/// Tracks open connections and whether each is idle, so graceful shutdown can close the
/// idle ones at once and let busy ones finish their current requests.
///
/// State machine per connection: `register` → (`markBusy` ↔ `markIdle`)* → `unregister`.
/// After `beginShutdown`, `markBusy` and `markIdle` return false and the connection ends.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        var channel: any Channel
        var busy: Bool
    }

    private struct State {
        var nextID = 0
        var entries: [Int: Entry] = [:]
        var shuttingDown = false
    }

    private let state = Mutex(State())

    /// Number of open connections.
    var count: Int { state.withLock { $0.entries.count } }

    /// Whether `beginShutdown` has been called.
    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Registers an idle connection; nil when shutting down or when `limit` connections are open.
    func register(_ channel: any Channel, limit: Int) -> Result<Int, RegistrationRefusal> {
        state.withLock { state in
            if state.shuttingDown { return .failure(.shuttingDown) }
            if state.entries.count >= limit { return .failure(.full) }
            let id = state.nextID
            state.nextID += 1
            state.entries[id] = Entry(channel: channel, busy: false)
            return .success(id)
        }
    }

    /// Why a connection was not registered.
    enum RegistrationRefusal: Error {
        case shuttingDown
        case full
    }

    /// The connection starts working on requests; false when shutting down.
    func markBusy(_ id: Int) -> Bool {
        state.withLock { state in
            if state.shuttingDown { return false }
            state.entries[id]?.busy = true
            return true
        }
    }

    /// The connection has answered everything it read; false when shutting down.
    func markIdle(_ id: Int) -> Bool {
        state.withLock { state in
            state.entries[id]?.busy = false
            return !state.shuttingDown
        }
    }

    func unregister(_ id: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// Closes every connection, busy or not (the shutdown timeout has passed): a request
    /// stuck writing to a client that never reads ends at once.
    func closeAll() {
        let channels = state.withLock { state -> [any Channel] in
            state.shuttingDown = true
            return state.entries.values.map(\.channel)
        }
        for channel in channels { channel.close(promise: nil) }
    }

    /// Refuses new work and closes every idle connection; returns how many were busy.
    @discardableResult
    func beginShutdown() -> Int {
        let (idle, busy) = state.withLock { state -> ([any Channel], Int) in
            state.shuttingDown = true
            let idle = state.entries.values.filter { !$0.busy }.map(\.channel)
            return (idle, state.entries.count - idle.count)
        }
        for channel in idle { channel.close(promise: nil) }
        return busy
    }
}
