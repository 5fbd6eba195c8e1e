#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the index layer's blocking and CPU-heavy work runs: never on Swift's cooperative
/// pool (index writers, the refresh timer and acknowledgements run there) or an event loop.
///
/// Dedicated threads, so a refresh is never queued behind a merge:
/// - `run(_:)`: segment builds of refreshes and commits, fsync, rename, recovery and the
///   catalog's file work (one thread per core, at least two; commits of one index are
///   serialized by its write gate, several indexes commit side by side);
/// - `runMerge(_:)`: a background merge on a thread of its own (the merge policy bounds how
///   many run) at low priority (nice 10), so merges take the CPU only when writes and
///   queries leave it idle, and a merge never waits in a queue behind another index's merge
///   (closing or dropping an index cancels its merges and waits only for those);
/// - `runVerification(_:)`: checksum verification of one segment (a sequential read of its
///   files), like a merge on a low-priority thread of its own.
enum BlockingIO {
    /// How many cores this process may use.
    static let cores = SystemCalls.activeProcessors

    /// Refresh and commit writes, recovery, catalog file work.
    static let foreground = DedicatedThreads(name: "sou.io", threadCount: max(2, cores))

    /// The nice value of merge threads.
    static let mergeNiceness: Int32 = 10

    /// Runs `body` on a foreground I/O thread and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await foreground.run(body)
    }

    /// Runs a segment verification on a new low-priority thread of its own.
    static func runVerification<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await DedicatedThreads.runOnOwnThread(niceness: mergeNiceness, resumeOn: foreground, body)
    }

    /// Runs a merge on a new low-priority thread of its own and returns its result.
    static func runMerge<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await DedicatedThreads.runOnOwnThread(niceness: mergeNiceness, resumeOn: foreground, body)
    }
}
