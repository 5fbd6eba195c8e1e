/// Decides when the writer refreshes (turns buffered writes into a segment and commits).
/// A value type with no clock of its own: callers pass the time, tests pass a fake one.
///
/// A refresh is due when the buffer is full (documents or bytes), or when there is
/// anything unpublished (buffered documents, new deletions, finished merges) and the
/// refresh interval has passed since the last refresh.
///
/// After a failed refresh (disk full, I/O error) nothing is due before `retryDelay` has
/// passed, not even for a full buffer, so a lasting failure is retried at a steady pace
/// instead of in a busy loop.
struct RefreshScheduler: Sendable, Equatable {
    enum Action: Equatable {
        case refreshNow
        /// Nothing to do before this time (nil: nothing pending at all).
        case waitUntil(Duration?)
    }

    let interval: Duration
    let maxDocuments: Int
    let maxBytes: Int
    private(set) var lastRefresh: Duration
    private(set) var pendingSince: Duration?
    /// Set by a failed refresh: no refresh is due before this time.
    private(set) var retryNotBefore: Duration?

    /// How long after a failed refresh the next attempt is due: the interval, but at least
    /// 100 ms and at most 1 s.
    var retryDelay: Duration { min(max(interval, .milliseconds(100)), .seconds(1)) }

    init(interval: Duration, maxDocuments: Int, maxBytes: Int, now: Duration) {
        self.interval = interval
        self.maxDocuments = max(1, maxDocuments)
        self.maxBytes = max(1, maxBytes)
        lastRefresh = now
    }

    /// Something became pending (a write was applied); the buffer now holds this much.
    mutating func recordWrite(now: Duration, bufferedDocuments: Int, bufferedBytes: Int) -> Action {
        if pendingSince == nil { pendingSince = now }
        if let retry = retryNotBefore, now < retry { return .waitUntil(retry) }
        if bufferedDocuments >= maxDocuments || bufferedBytes >= maxBytes { return .refreshNow }
        return decide(now: now)
    }

    /// The timer fired.
    func tick(now: Duration) -> Action { decide(now: now) }

    /// A refresh committed everything that was pending.
    mutating func refreshed(now: Duration) {
        lastRefresh = now
        pendingSince = nil
        retryNotBefore = nil
    }

    /// A refresh failed; what was pending still is. The next attempt is due in `retryDelay`.
    mutating func refreshFailed(now: Duration) {
        retryNotBefore = now + retryDelay
    }

    private func decide(now: Duration) -> Action {
        guard pendingSince != nil else { return .waitUntil(nil) }
        if let retry = retryNotBefore { return now >= retry ? .refreshNow : .waitUntil(retry) }
        let due = lastRefresh + interval
        return now >= due ? .refreshNow : .waitUntil(due)
    }
}
