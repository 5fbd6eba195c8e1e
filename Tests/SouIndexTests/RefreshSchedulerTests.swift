import Testing

@testable import SouIndex

@Suite struct RefreshSchedulerTests {
    func scheduler() -> RefreshScheduler {
        RefreshScheduler(interval: .seconds(1), maxDocuments: 100, maxBytes: 10_000, now: .zero)
    }

    @Test func idleSchedulerWaitsForever() {
        #expect(scheduler().tick(now: .seconds(50)) == .waitUntil(nil))
    }

    @Test func writeIsRefreshedWithinTheInterval() {
        var s = scheduler()
        #expect(
            s.recordWrite(now: .milliseconds(300), bufferedDocuments: 1, bufferedBytes: 10) == .waitUntil(.seconds(1))
        )
        #expect(s.tick(now: .milliseconds(999)) == .waitUntil(.seconds(1)))
        #expect(s.tick(now: .seconds(1)) == .refreshNow)
        s.refreshed(now: .milliseconds(1010))
        #expect(s.tick(now: .seconds(5)) == .waitUntil(nil))
        // A write long after the last refresh is due at once.
        #expect(s.recordWrite(now: .seconds(9), bufferedDocuments: 1, bufferedBytes: 10) == .refreshNow)
    }

    @Test func fullBufferRefreshesAtOnce() {
        var s = scheduler()
        #expect(s.recordWrite(now: .milliseconds(1), bufferedDocuments: 100, bufferedBytes: 10) == .refreshNow)
        var t = scheduler()
        #expect(t.recordWrite(now: .milliseconds(1), bufferedDocuments: 1, bufferedBytes: 10_000) == .refreshNow)
    }

    @Test func pendingSinceIsTheFirstWrite() {
        var s = scheduler()
        _ = s.recordWrite(now: .milliseconds(100), bufferedDocuments: 1, bufferedBytes: 1)
        _ = s.recordWrite(now: .milliseconds(500), bufferedDocuments: 2, bufferedBytes: 2)
        #expect(s.pendingSince == .milliseconds(100))
    }

    /// A failed refresh is retried after `retryDelay`, never in a busy loop, even with a
    /// full buffer; a successful one clears the back-off.
    @Test func failedRefreshBacksOff() {
        var s = scheduler()
        #expect(s.recordWrite(now: .seconds(2), bufferedDocuments: 1, bufferedBytes: 10) == .refreshNow)
        s.refreshFailed(now: .seconds(2))
        #expect(s.retryDelay == .seconds(1))
        #expect(s.tick(now: .milliseconds(2500)) == .waitUntil(.seconds(3)))
        #expect(
            s.recordWrite(now: .milliseconds(2600), bufferedDocuments: 500, bufferedBytes: 10)
                == .waitUntil(.seconds(3))
        )
        #expect(s.tick(now: .seconds(3)) == .refreshNow)
        s.refreshed(now: .seconds(3))
        #expect(s.recordWrite(now: .milliseconds(3100), bufferedDocuments: 500, bufferedBytes: 10) == .refreshNow)
        let fast = RefreshScheduler(interval: .milliseconds(1), maxDocuments: 1, maxBytes: 1, now: .zero)
        #expect(fast.retryDelay == .milliseconds(100))
    }
}
