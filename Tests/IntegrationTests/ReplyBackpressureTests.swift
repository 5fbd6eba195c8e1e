import Foundation
import SouClient
import SouTestSupport
import Testing

/// Replies that add up to far more than memory, for a client that pipelines them and does
/// not read: the daemon writes them out as they are made and stops running that client's
/// requests while its socket is full, instead of gathering a batch's replies in one string.
@Suite(.offCooperativePool) struct ReplyBackpressureTests {
    static let documentCount = 25
    /// About 100 KB of text per document, so one `SEARCH fields=*` reply is about 2.5 MB.
    static let filler = String(repeating: "lorem ipsum dolor ", count: 5_600)
    /// Requests of the hog that may run while it does not read: the first replies fill the
    /// socket and the write buffer, then the next reply's write waits.
    static let allowedWhileStuck = 5

    /// The daemon-wide `requests` counter (it counts this `STATS` too).
    static func requestCount(_ connection: SouConnection) throws -> Int {
        try counter("requests", connection)
    }

    /// The daemon-wide counter `name` from `STATS` (`requests` and `requests_received` count
    /// this `STATS` too).
    static func counter(_ name: String, _ connection: SouConnection) throws -> Int {
        let reply = try connection.request("STATS")
        let prefix = "STAT \(name) "
        let line = try #require(reply.lines.first { $0.hasPrefix(prefix) })
        return try #require(Int(line.dropFirst(prefix.count)))
    }

    /// The hits request `index` of the hog asks for (so its replies can be told apart).
    static func limit(_ index: Int) -> Int { documentCount - index % 7 }

    /// A client that sends its requests and shuts down its write side (`printf … | socat`)
    /// gets every reply in full, however large, and so does one that ends with QUIT: the
    /// replies still queued for the socket used to be dropped when the connection closed.
    @Test func everyReplyArrivesBeforeTheConnectionCloses() async throws {
        let fixture = try await DaemonFixture.start()
        let loader = try fixture.connect(timeout: .seconds(300))
        let adds = (0..<Self.documentCount).map { #"ADD {"id":"d\#($0)","body":"w \#($0) \#(Self.filler)"}"# }
        try loader.write(Array((adds.joined(separator: "\n") + "\nCOMMIT\n").utf8))
        for _ in 0...Self.documentCount { #expect(try loader.readResponse().isOK) }
        let search = "SEARCH limit=\(Self.documentCount) snippet=off fields=* w\n"
        for ending in ["", "QUIT\n"] {
            let client = try fixture.connect(timeout: .seconds(300))
            try client.write(Array((String(repeating: search, count: 3) + ending).utf8))
            client.shutdownWrite()
            try await Task.sleep(for: .milliseconds(500))  // the daemon sees the end of input first
            for _ in 0..<3 {
                let reply = try client.readResponse()
                #expect(reply.final.hasPrefix("OK hits=\(Self.documentCount) "), "\(reply.final)")
                #expect(reply.lines.count == 2 * Self.documentCount)
            }
            if !ending.isEmpty { #expect(try client.readResponse().final == "OK bye") }
            #expect(try client.readLine() == nil)
        }
    }

    @Test func pipelinedHugeRepliesToAClientThatDoesNotReadStayBounded() async throws {
        let fixture = try await DaemonFixture.start()
        let loader = try fixture.connect(timeout: .seconds(300))
        let adds = (0..<Self.documentCount).map {
            #"ADD {"id":"d\#($0)","body":"w \#($0) \#(Self.filler)"}"#
        }
        try loader.write(Array((adds.joined(separator: "\n") + "\n").utf8))
        for index in 0..<Self.documentCount {
            #expect(try loader.readResponse().final == "OK added d\(index)")
        }
        #expect(try loader.request("COMMIT").isOK)
        // One big reply first: it times one reply, and the baseline then includes what any
        // search of these documents allocates once (mapped files, caches).
        let warmUpStart = ContinuousClock.now
        let warmUp = try loader.request("SEARCH limit=\(Self.documentCount) snippet=off fields=* w")
        let oneReply = ContinuousClock.now - warmUpStart
        #expect(warmUp.final.hasPrefix("OK hits=\(Self.documentCount) "))
        let replyBytes = warmUp.lines.reduce(0) { $0 + $1.utf8.count + 1 }
        let before = try #require(residentBytes(fixture.daemon.pid))
        let requestsBefore = try Self.requestCount(loader)

        // 1,000 pipelined requests (40 KB) whose replies add up to gigabytes; the hog never reads.
        let hogCount = 1_000
        let hog = try fixture.connect()
        let requests = (0..<hogCount).map { "SEARCH limit=\(Self.limit($0)) snippet=off fields=* w\n" }
        try hog.write(Array(requests.joined().utf8))
        print(
            "one reply: \(replyBytes >> 10) KiB in \(oneReply); \(hogCount) pipelined: \((hogCount * replyBytes) >> 20) MiB"
        )

        // Watch the hog's requests run until none has started for twice the time one reply
        // takes (at least 1 s), more than `allowedWhileStuck` have run, or 15 s passed.
        let quiet = max(.seconds(1), oneReply * 2)
        var observations = 0
        var hogRan = -1
        var lastChange = ContinuousClock.now
        var peak = before
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now - lastChange < quiet, hogRan <= Self.allowedWhileStuck, ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(100))
            observations += 1
            // Each observation is a request of its own.
            let ran = try Self.requestCount(loader) - requestsBefore - observations
            peak = max(peak, residentBytes(fixture.daemon.pid) ?? 0)
            if ran != hogRan { lastChange = ContinuousClock.now }
            hogRan = ran
        }
        print("while the hog did not read: \(hogRan) of its requests ran; RSS \(before >> 20) → \(peak >> 20) MiB")
        #expect(hogRan <= Self.allowedWhileStuck, "the daemon kept answering a client that does not read")
        #expect(peak - before < 200 << 20, "replies piled up in memory")

        // Everyone else is still served (within the connection's hang guard): the hog holds
        // no thread the others need.
        let other = try fixture.connect()
        #expect(try other.request("PING").final == "OK PONG")
        #expect(try other.request("COUNT w").final == "OK \(Self.documentCount)")

        // The hog reads at last: its first replies arrive whole and in request order.
        for index in 0..<4 {
            let reply = try hog.readResponse()
            let limit = Self.limit(index)
            #expect(reply.final.hasPrefix("OK hits=\(limit) total=\(Self.documentCount) "), "reply \(index)")
            let hits = reply.lines.filter { $0.hasPrefix("HIT ") }
            let fields = reply.lines.filter { $0.hasPrefix("FIELD body ") }
            #expect(hits.count == limit && fields.count == limit, "reply \(index)")
            #expect(fields.allSatisfy { $0.utf8.count > 100_000 }, "reply \(index)")
        }
        hog.close()
        #expect(try other.request("PING").final == "OK PONG")
        #expect(fixture.daemon.isRunning)
    }
}
