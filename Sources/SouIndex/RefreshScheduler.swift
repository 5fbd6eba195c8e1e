/// Decides when the writer refreshes (turns buffered writes into a segment and commits).
/// A value type with no clock of its own: callers pass the time, tests pass a fake one.
///
/// A refresh is due when the buffer is full (documents or bytes), or when there is
/// anything unpublished (buffered documents, new deletions, finished merges) and the
/// refresh interval has passed since the last refresh.
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

    init(interval: Duration, maxDocuments: Int, maxBytes: Int, now: Duration) {
        self.interval = interval
        self.maxDocuments = max(1, maxDocuments)
        self.maxBytes = max(1, maxBytes)
        lastRefresh = now
    }

    /// Something became pending (a write was applied); the buffer now holds this much.
    mutating func recordWrite(now: Duration, bufferedDocuments: Int, bufferedBytes: Int) -> Action {
        if pendingSince == nil { pendingSince = now }
        if bufferedDocuments >= maxDocuments || bufferedBytes >= maxBytes { return .refreshNow }
        return decide(now: now)
    }

    /// The timer fired.
    func tick(now: Duration) -> Action { decide(now: now) }

    /// A refresh committed everything that was pending.
    mutating func refreshed(now: Duration) {
        lastRefresh = now
        pendingSince = nil
    }

    private func decide(now: Duration) -> Action {
        guard pendingSince != nil else { return .waitUntil(nil) }
        let due = lastRefresh + interval
        return now >= due ? .refreshNow : .waitUntil(due)
    }
}
