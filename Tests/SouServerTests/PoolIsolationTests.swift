import Dispatch
import Foundation
import SouIndex
import SouProtocol
import Testing

@testable import SouServer

/// Work on one pool never holds up another: PING, write acknowledgements and refreshes do
/// not wait for searches. Deterministic: every search thread is blocked outright until the
/// test lets go, so if any of these needed one, the test would hang (and hit its time limit)
/// instead of passing.
@Suite(.timeLimit(.minutes(10))) struct PoolIsolationTests {
    /// A latch the blocked search threads wait on.
    final class Gate: Sendable {
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
    }

    static func isOK(_ response: Response) -> Bool { response.status.isOK }

    @Test func pingAddAndCommitAnswerWhileEverySearchThreadIsBlocked() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sou-pool-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let catalog = try await IndexCatalog(
            dataDirectory: directory,
            options: IndexOptions(durability: .always, refreshInterval: .milliseconds(20))
        )
        let backend = CatalogBackend(catalog: catalog, searchThreads: 2)
        let configuration = Configuration()
        let executor = CommandExecutor(backend: backend, configuration: configuration, counters: ServerCounters())
        let parser = RequestParser()

        // Every search thread runs a job that waits for the gate.
        let gate = Gate()
        for _ in 0..<2 {
            backend.searchPool.submit { _ in
                gate.started.signal()
                gate.release.wait()
            }
        }
        for _ in 0..<2 {
            await withCheckedContinuation { c in
                DispatchQueue.global().async {
                    gate.started.wait()
                    c.resume()
                }
            }
        }
        defer { for _ in 0..<2 { gate.release.signal() } }  // even if an expectation throws

        var session = Session()
        #expect(await executor.execute(try parser.parse(Array("PING".utf8)), session: &session).status.isOK)
        let document = try ProtocolDocument.parse(
            json: Array(#"{"id":"a","body":"acknowledged while searches wait"}"#.utf8)
        )
        let added = await executor.add([document], session: session)
        #expect(added.allSatisfy(Self.isOK), "\(added)")
        // The refresh timer publishes the write without any search thread.
        let index = try #require(catalog.index(named: "default"))
        while index.snapshot().liveDocumentCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(await executor.execute(try parser.parse(Array("COMMIT".utf8)), session: &session).status.isOK)

        // A tiny search that reads no stored document runs in place: no search thread needed.
        let cheap = await executor.execute(
            try parser.parse(Array("SEARCH snippet=off acknowledged".utf8)),
            session: &session
        )
        #expect(cheap.status.isOK && cheap.lines.count == 1 && cheap.lines[0].hasPrefix("HIT a "), "\(cheap)")
        #expect(
            await executor.execute(try parser.parse(Array("COUNT searches".utf8)), session: &session)
                == .ok("1", fields: [("count", .int(1))])
        )

        for _ in 0..<2 { gate.release.signal() }  // (the deferred signals then find nobody waiting)
        #expect(
            await executor.execute(try parser.parse(Array("COUNT acknowledged".utf8)), session: &session).status.isOK
        )
        try await backend.close()
    }
}

extension Response.Status {
    var isOK: Bool {
        if case .ok = self { return true }
        return false
    }
}
