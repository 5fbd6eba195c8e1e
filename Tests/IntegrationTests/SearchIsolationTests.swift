import Foundation
import SouClient
import SouTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Heavy queries run on soud's search threads, not on Swift's cooperative pool: while
/// several connections keep every search thread busy, PING and ADD on another connection
/// still answer at once.
@Suite(.offCooperativePool) struct SearchIsolationTests {
    /// Eight times `w*`: every document scored eight times over 2,000 expanded terms, far
    /// longer than the query timeout in a debug build.
    static let heavyQuery = "SEARCH limit=10 " + Array(repeating: "w*", count: 8).joined(separator: " OR ")

    /// 3,000 documents of 30 words from a 2,000-word vocabulary, all starting with "w".
    static func load(_ fixture: DaemonFixture, seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let lines = (0..<3_000).map { number in
            let words = (0..<30).map { _ in "w\(generator.next() % 2_000)x" }.joined(separator: " ")
            return #"ADD {"id":"h\#(number)","body":"\#(words)"}"#
        }
        let loader = try fixture.connect()
        try loader.write(Array((lines.joined(separator: "\n") + "\nCOMMIT\n").utf8))
        for _ in 0...lines.count {
            let reply = try loader.readResponse()
            #expect(reply.isOK, "\(reply)")
        }
    }

    /// End to end, over real sockets: PING and ADD are answered while heavy queries keep
    /// every search thread busy and more wait for one. Whether they are answered *before*
    /// the heavy queries depends on how fast each runs, so that is not asserted here; the
    /// deterministic check, with the search threads blocked outright, is
    /// `PoolIsolationTests.pingAddAndCommitAnswerWhileEverySearchThreadIsBlocked`.
    @Test func pingAndAddAnswerWhileHeavyQueriesRun() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("seed", seed)
        let fixture = try await DaemonFixture.start(["--query-timeout-ms", "600000", "--search-threads", "2"])
        try Self.load(fixture, seed: seed)
        let loader = try fixture.connect()
        let before = try ReplyBackpressureTests.requestCount(loader)

        // Three connections pipeline two heavy queries each: more work than search threads.
        let heavy = try (0..<3).map { _ in try fixture.connect() }
        for connection in heavy {
            try connection.write(Array(String(repeating: Self.heavyQuery + "\n", count: 2).utf8))
        }
        // Both search threads have a heavy query.
        #expect(try await DaemonLifecycleTests.waitForRequests(2, after: before, on: loader))

        let other = try fixture.connect()
        #expect(try other.request("PING").isOK)
        let added = try other.request(#"ADD {"id":"quick","body":"written while searching"}"#)
        #expect(added.final == "OK added quick", "\(added)")
        // The queued heavy queries would keep both cores busy for a long time.
        fixture.daemon.kill(signal: SIGKILL)
        _ = await fixture.daemon.waitForExit()
    }

    /// `--search-threads 1`: searches, counts and GETs go through the one search thread, and
    /// SIGTERM still exits 0 (the pool is shut down after the catalog closes).
    @Test func oneSearchThreadServesReadsAndShutsDown() async throws {
        let fixture = try await DaemonFixture.start(["--search-threads", "1"])
        let connection = try fixture.connect()
        #expect(try connection.request(#"ADD {"id":"a","body":"search thread 搜索"}"#).isOK)
        #expect(try connection.request("COMMIT").isOK)
        let reply = try connection.request("SEARCH 搜索")
        #expect(reply.final.hasPrefix("OK hits=1 total=1"), "\(reply)")
        #expect(try connection.request("COUNT thread").final == "OK 1")
        #expect(try connection.request("GET a").isOK)
        fixture.daemon.kill(signal: SIGTERM)
        #expect(await fixture.daemon.waitForExit() == 0, "\(fixture.daemon.log())")
    }
}
