import Foundation

/// Runs blocking or CPU-heavy test work on a thread of its own instead of Swift's cooperative
/// pool.
///
/// The cooperative pool has one thread per core (two on CI). swift-testing runs suites in
/// parallel on it, so a synchronous test that computes for minutes, or a loop that blocks in
/// `connect`/`waitpid`, takes a whole pool thread away from every other test: timers, actors
/// and sleeps of the timing-sensitive tests then wait for minutes (seen on CI: `soud` logged
/// `listening` while the test that had started it could not run its wait loop for 60 s).
///
///     let report = try await OffPool.run { try buildAndCheckEveryFlippedByte() }
public enum OffPool {
    /// Runs `body` on a new thread and returns (or throws) what it did.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs non-throwing `body` on a new thread and returns what it did.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}

/// Why a wait for an event gave up.
public struct HangGuardExceeded: Error, CustomStringConvertible {
    /// What was awaited.
    public var what: String
    /// The hang guard that ran out.
    public var bound: Duration

    public var description: String { "\(what): nothing happened for \(bound) (hang guard)" }
}

/// Waits for an event by checking `condition` until it holds.
///
/// The bound is a hang guard, not a timing assertion: it is far longer than anything takes on
/// a machine that is merely slow or busy, so exceeding it means the awaited thing will never
/// happen. The checks run on a thread of their own (see `OffPool`), so a busy cooperative
/// pool delays the caller but never makes the wait give up early.
///
/// - Parameters:
///   - what: names the event in the error.
///   - hangGuard: how long to wait before calling it a hang (default 10 minutes).
///   - interval: pause between checks.
///   - condition: the check; it runs on the waiting thread.
/// - Throws: `HangGuardExceeded`, or what `condition` throws.
public func waitUntil(
    _ what: String,
    hangGuard: Duration = .seconds(600),
    interval: Duration = .milliseconds(10),
    _ condition: @escaping @Sendable () throws -> Bool
) async throws {
    try await OffPool.run {
        let deadline = ContinuousClock.now + hangGuard
        while try !condition() {
            guard ContinuousClock.now < deadline else { throw HangGuardExceeded(what: what, bound: hangGuard) }
            Thread.sleep(
                forTimeInterval: Double(interval.components.seconds)
                    + Double(interval.components.attoseconds) / 1e18
            )
        }
    }
}
