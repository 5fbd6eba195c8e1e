#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the index layer's blocking and CPU-heavy work runs: never on Swift's cooperative
/// pool (index writers, the refresh timer and acknowledgements run there) or an event loop.
///
/// Two lanes of dedicated threads, so a refresh is never queued behind a merge:
/// - `run(_:)`: segment builds of refreshes and commits, fsync, rename, recovery and the
///   catalog's file work (one thread per core; commits of one index are serialized by its
///   write gate, several indexes commit side by side);
/// - `runMerge(_:)`: background merges (one thread per core, less one, at least one) at low
///   priority (`nice` 10), so merges take the CPU only when writes and queries leave it idle.
enum BlockingIO {
    /// How many cores this process may use.
    static let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Refresh and commit writes, recovery, catalog file work.
    static let foreground = DedicatedThreads(name: "sou.io", threadCount: max(2, cores))

    /// Background merges.
    static let merges = DedicatedThreads(name: "sou.merge", threadCount: max(1, cores - 1), niceness: 10)

    /// Runs `body` on a foreground I/O thread and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await foreground.run(body)
    }

    /// Runs a merge on a merge thread and returns its result.
    static func runMerge<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await merges.run(body)
    }
}
