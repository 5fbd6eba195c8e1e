/// The deadline of one search, checked cheaply from inner loops.
///
/// Matchers cannot throw (their `next`/`advance` are hot and non-throwing), so a loop that
/// sees the deadline pass marks this object expired and stops as if it reached the end
/// (`noMoreDocs`); the searcher then calls `throwIfExpired()` and reports the timeout
/// instead of the truncated result. Once expired it stays expired, so every loop sharing
/// it winds down at its next `tick()`.
///
/// `tick()` reads the clock only every `interval` calls: a counter decrement otherwise, no
/// allocation. Not thread-safe: one instance belongs to one search on one thread.
final class QueryDeadline {
    /// Clock reads happen every this many ticks.
    static let interval = 1024

    let instant: ContinuousClock.Instant?
    private var countdown: Int
    /// Whether a tick found the deadline passed.
    private(set) var isExpired = false

    /// - Parameter instant: when the search must stop; nil never expires.
    init(_ instant: ContinuousClock.Instant?) {
        self.instant = instant
        // The first tick reads the clock: an already-expired deadline stops the first loop at once.
        countdown = 1
    }

    /// Counts one unit of work; every `interval` units it compares the clock to the deadline.
    ///
    /// - Returns: true once the deadline has passed (the caller should stop its loop).
    @inline(__always)
    func tick() -> Bool { tick(1) }

    /// Counts `units` of work at once (e.g. the cursors a union step moves), so a loop whose
    /// iterations are expensive reads the clock as often as one of cheap iterations.
    ///
    /// - Returns: true once the deadline has passed.
    @inline(__always)
    func tick(_ units: Int) -> Bool {
        if instant == nil { return false }
        countdown &-= units
        if countdown > 0 { return isExpired }
        countdown = Self.interval
        return checkNow()
    }

    /// Compares the clock to the deadline now (for coarse steps such as one hit's snippet).
    ///
    /// - Returns: true once the deadline has passed.
    @discardableResult
    func checkNow() -> Bool {
        if !isExpired, let instant, ContinuousClock.now >= instant { isExpired = true }
        return isExpired
    }

    /// - Throws: `SearchError.timeout` if a tick or check found the deadline passed.
    func throwIfExpired() throws {
        if isExpired { throw SearchError.timeout }
    }

    /// Ticks and throws at once, for loops that may throw.
    ///
    /// - Throws: `SearchError.timeout` once the deadline has passed.
    @inline(__always)
    func tickOrThrow() throws {
        if tick() { throw SearchError.timeout }
    }
}
