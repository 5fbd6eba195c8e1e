import Foundation
import SouClient
import Synchronization

/// Measures "time to first searchable" for `sou bench index` (docs/SOU_BENCH.md).
///
/// On a connection of its own, on a thread of its own, it waits until it is told the id of
/// the first document the daemon acknowledged, then sends `GET <id>` every `interval` until
/// one answers `OK` (GET sees only searchable, i.e. refreshed or committed, documents). The
/// time of that reply, measured from `started`, is the result.
final class FirstSearchableProbe: Sendable {
    /// Poll interval: the measurement's resolution, and few enough GETs not to load the daemon.
    static let interval: Duration = .milliseconds(5)

    private struct State {
        var id: String?
        var found: Duration?
        var failure: String?
        var finished = false
        var stop = false
    }

    private let state = Mutex(State())
    private let started: ContinuousClock.Instant

    /// Starts the probe's thread, which connects to `socketPath` and `USE`s `index`.
    init(socketPath: String, index: String?, started: ContinuousClock.Instant) {
        self.started = started
        Thread.detachNewThread { [self] in
            run(socketPath: socketPath, index: index)
            state.withLock { $0.finished = true }
        }
    }

    /// Tells the probe which document to look for (the first acknowledged one).
    func watch(id: String) {
        state.withLock { if $0.id == nil { $0.id = id } }
    }

    /// Waits (at most `timeout`) until the probe has found the document or failed, stops
    /// it, and returns the time to first searchable, or nil with the reason.
    func finish(timeout: Duration = .seconds(10)) -> (Duration?, failure: String?) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !state.withLock({ $0.finished }) {
            Thread.sleep(forTimeInterval: 0.001)
        }
        return state.withLock { state in
            state.stop = true
            if state.found == nil && state.failure == nil {
                return (nil, state.id == nil ? "no document was added" : "not found within \(timeout)")
            }
            return (state.found, state.failure)
        }
    }

    private func run(socketPath: String, index: String?) {
        let connection: SouConnection
        do {
            connection = try SouConnection(socketPath: socketPath, timeout: .seconds(30))
            if let index, !(try connection.request("USE \(index)").isOK) {
                state.withLock { $0.failure = "USE \(index) failed" }
                return
            }
        } catch {
            state.withLock { $0.failure = error.description }
            return
        }
        while true {
            let (id, stop) = state.withLock { ($0.id, $0.stop) }
            if stop { return }
            guard let id else {
                Thread.sleep(forTimeInterval: 0.001)
                continue
            }
            do {
                if try connection.request("GET \(id)").isOK {
                    let elapsed = ContinuousClock.now - started
                    state.withLock { $0.found = elapsed }
                    return
                }
            } catch {
                state.withLock { $0.failure = error.description }
                return
            }
            Thread.sleep(forTimeInterval: Self.interval.seconds)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
