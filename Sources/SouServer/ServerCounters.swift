import Synchronization

/// Daemon-wide counters reported by `STATS`; lock-free.
public final class ServerCounters: Sendable {
    let started = ContinuousClock.now
    let openConnections = Atomic<Int>(0)
    let totalConnections = Atomic<Int>(0)
    /// Requests framed off the sockets (counted when read, before they run).
    let requestsReceived = Atomic<Int>(0)
    /// Requests started.
    let requests = Atomic<Int>(0)
    let errors = Atomic<Int>(0)

    /// Fresh counters.
    public init() {}

    /// The counters as `STAT` pairs, then the process's memory (docs/PROTOCOL.md, STATS).
    func pairs(memory: ProcessMemory = .current()) -> [(String, Int)] {
        let uptime = ContinuousClock.now - started
        return [
            ("uptime_seconds", Int(uptime.components.seconds)),
            ("connections", openConnections.load(ordering: .relaxed)),
            ("total_connections", totalConnections.load(ordering: .relaxed)),
            ("requests_received", requestsReceived.load(ordering: .relaxed)),
            ("requests", requests.load(ordering: .relaxed)),
            ("errors", errors.load(ordering: .relaxed)),
            ("rss_bytes", memory.residentBytes),
            ("peak_rss_bytes", memory.peakResidentBytes),
        ]
    }
}
