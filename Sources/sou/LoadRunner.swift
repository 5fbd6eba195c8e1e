import Foundation
import SouClient
import Synchronization

/// Runs `sou bench query`'s load: `connections` threads, each with its own connection
/// keeping `depth` requests in flight (pipelined), until `duration` has passed.
///
/// A request's latency runs from just before its line is written to when its whole reply
/// has been read, so with depth > 1 it includes the time spent queued behind the requests
/// ahead of it on its connection (as wrk and memtier measure). Each connection starts at a
/// different place in `requests` and cycles through them. When the duration is up, no new
/// request is sent; the replies still in flight are read and counted.
struct LoadRunner {
    var socketPath: String
    var index: String?
    /// Request lines, each sent as is.
    var requests: [String]
    var connections: Int
    var depth: Int
    var duration: Duration

    /// What one run measured.
    struct Outcome {
        var latency = LatencyRecorder()
        var completed = 0
        var errors = 0
        var errorCodes: [String: Int] = [:]
        /// From the start (every connection open) until the last reply was read.
        var elapsed: Duration = .zero
        /// Why a connection broke, if one did.
        var failure: String?
    }

    /// Counters the progress line reads while the workers run.
    final class Live: Sendable {
        let completed = Atomic<Int>(0)
        let errors = Atomic<Int>(0)
        let running = Atomic<Int>(0)
        let outcomes = Mutex<[Outcome]>([])
    }

    /// Hands an open connection to the one thread that uses it from then on.
    private struct Handoff: @unchecked Sendable {
        // Safety: after `run` creates the box, only the worker thread touches the connection.
        let connection: SouConnection
    }

    /// Opens every connection, runs the load, and returns the merged outcome.
    ///
    /// - Parameter progress: called about every 100 ms on the calling thread while it runs,
    ///   with the elapsed time and the live counters.
    /// - Throws: `CLIFailure.unreachable` when a connection cannot be opened, `.server` when
    ///   `USE` fails.
    func run(progress: (Duration, Live) -> Void) throws -> Outcome {
        var opened: [Handoff] = []
        for _ in 0..<connections {
            // Text-mode replies: the workers only tell OK from ERR, cheaper than parsing JSON.
            let connection: SouConnection
            var use: ClientResponse?
            do {
                connection = try SouConnection(socketPath: socketPath, timeout: .seconds(120))
                if let index { use = try connection.request("USE \(index)") }
            } catch {
                throw CLIFailure.unreachable(error.description)
            }
            if let use, !use.isOK { throw CLIFailure.server(String(use.final.dropFirst("ERR ".count))) }
            opened.append(Handoff(connection: connection))
        }
        let live = Live()
        let started = ContinuousClock.now
        let deadline = started + duration
        live.running.store(connections, ordering: .relaxed)
        for (number, handoff) in opened.enumerated() {
            let first = requests.count * number / connections
            let (requests, depth) = (requests, depth)
            Thread.detachNewThread {
                let outcome = Self.work(
                    handoff.connection,
                    requests: requests,
                    first: first,
                    depth: depth,
                    deadline: deadline,
                    live: live
                )
                live.outcomes.withLock { $0.append(outcome) }
                live.running.subtract(1, ordering: .relaxed)
            }
        }
        while live.running.load(ordering: .relaxed) > 0 {
            progress(ContinuousClock.now - started, live)
            Thread.sleep(forTimeInterval: 0.1)
        }
        var total = Outcome()
        total.elapsed = ContinuousClock.now - started
        for outcome in live.outcomes.withLock({ $0 }) {
            total.latency.merge(outcome.latency)
            total.completed += outcome.completed
            total.errors += outcome.errors
            total.errorCodes.merge(outcome.errorCodes, uniquingKeysWith: +)
            total.failure = total.failure ?? outcome.failure
        }
        return total
    }

    /// One connection's loop: keep `depth` requests in flight until `deadline`, then drain.
    private static func work(
        _ connection: SouConnection,
        requests: [String],
        first: Int,
        depth: Int,
        deadline: ContinuousClock.Instant,
        live: Live
    ) -> Outcome {
        var outcome = Outcome()
        var sentAt: [ContinuousClock.Instant] = []  // FIFO of in-flight requests; `head` is the oldest
        var head = 0
        var next = first
        func send() throws(ClientError) {
            let line = requests[next % requests.count]
            next += 1
            sentAt.append(ContinuousClock.now)
            try connection.send(line)
        }
        do {
            for _ in 0..<depth where ContinuousClock.now < deadline { try send() }
            while head < sentAt.count {
                let response = try connection.readResponse()
                let now = ContinuousClock.now
                outcome.latency.record(now - sentAt[head])
                head += 1
                outcome.completed += 1
                live.completed.add(1, ordering: .relaxed)
                if !response.isOK {
                    outcome.errors += 1
                    live.errors.add(1, ordering: .relaxed)
                    outcome.errorCodes[response.errorCode ?? "UNKNOWN", default: 0] += 1
                }
                if head > 4096 {
                    sentAt.removeFirst(head)
                    head = 0
                }
                if now < deadline { try send() }
            }
        } catch {
            outcome.failure = error.description
        }
        connection.close()
        return outcome
    }
}
