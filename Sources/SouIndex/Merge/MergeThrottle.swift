#if canImport(Glibc)
import Glibc
#endif

/// Paces a merge's writes to at most a number of bytes per second (the merge policy's
/// `maxMergeBytesPerSecond`, as Lucene's `MergeRateLimiter`), so that a large merge does not
/// take the disk from refreshes, commits and queries. The merge thread sleeps when its
/// writes get ahead of the rate; time it spent slower than the rate is not saved up.
final class MergeThrottle {
    let bytesPerSecond: Int
    private let now: () -> Duration
    private let sleep: (Duration) -> Void
    /// When the bytes written so far are due at the rate.
    private var due: Duration

    /// Pauses shorter than this are carried over to the next write instead of slept.
    static let minimumPause: Duration = .milliseconds(1)

    /// - Parameters:
    ///   - now: a monotonic clock (tests inject one).
    ///   - sleep: blocks the calling thread (tests record instead).
    init(
        bytesPerSecond: Int,
        now: @escaping () -> Duration = MergeThrottle.monotonicNow,
        sleep: @escaping (Duration) -> Void = MergeThrottle.sleepThread
    ) {
        precondition(bytesPerSecond > 0, "the rate must be positive")
        self.bytesPerSecond = bytesPerSecond
        self.now = now
        self.sleep = sleep
        due = now()
    }

    /// Records `bytes` written and sleeps until they are due at the rate.
    func wrote(_ bytes: Int) {
        let current = now()
        // Never bank time: a merge that was slower than the rate does not burst after.
        if due < current { due = current }
        due += .nanoseconds(Int64(Double(bytes) / Double(bytesPerSecond) * 1e9))
        let pause = due - current
        if pause >= Self.minimumPause { sleep(pause) }
    }

    static func monotonicNow() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    static func sleepThread(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
