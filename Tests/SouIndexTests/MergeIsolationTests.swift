import Dispatch
import SouTestSupport
import Testing

@testable import SouIndex

/// Merges run on threads of their own: with several merge threads blocked outright, writes
/// are still acknowledged, the refresh timer still publishes them and COMMIT still builds its
/// segment. Deterministic: if any of these needed a merge's thread the test would hang (and
/// hit its time limit) instead of passing.
@Suite(.timeLimit(.minutes(10))) struct MergeIsolationTests {
    @Test func writesRefreshesAndCommitsGoOnWhileMergesAreBlocked() async throws {
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let merges = 2 * BlockingIO.cores
        let blocked = (0..<merges).map { _ in
            Task {
                try await BlockingIO.runMerge {
                    started.signal()
                    release.wait()
                }
            }
        }
        defer { for _ in 0..<merges { release.signal() } }  // even if an expectation throws
        await OffPool.run { for _ in 0..<merges { started.wait() } }

        let scratch = ScratchDirectory()
        let catalog = try await IndexCatalog(
            dataDirectory: scratch.file("data"),
            options: testOptions(refresh: .milliseconds(20))
        )
        let index = try #require(catalog.index(named: "default"))
        try await index.add([document("1", "acknowledged while merges are stuck")])
        try await waitUntil("the refresh timer publishes the write") { index.snapshot().liveDocumentCount == 1 }
        try await index.add([document("2", "committed while merges are stuck")])
        try await index.commit()
        #expect(index.snapshot().liveDocumentCount == 2)
        try await catalog.close()
        _ = blocked  // released by the deferred signals, whatever happened above
    }
}
