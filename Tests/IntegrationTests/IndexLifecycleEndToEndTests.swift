import Foundation
import SouClient
import SouTestSupport
import Synchronization
import Testing

/// Index lifecycle through a real `soud`: one process per data directory, per-index boosts
/// that persist and change scores, open time in STATS.
@Suite(.offCooperativePool) struct IndexLifecycleEndToEndTests {
    /// `HIT <id> <score>` lines of a reply, as (id, score).
    func hits(_ lines: [String]) -> [(id: String, score: Double)] {
        lines.compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "HIT", let score = Double(parts[2]) else { return nil }
            return (String(parts[1]), score)
        }
    }

    func score(_ lines: [String], _ id: String) -> Double? {
        hits(lines).first { $0.id == id }?.score
    }

    /// A segment file whose checksum fails takes only its own index out of service: soud
    /// starts, serves the others, answers `ERR CORRUPT` naming the file for the damaged
    /// one, and can drop it.
    @Test func corruptIndexIsRefusedAloneAndCanBeDropped() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        #expect(try connection.request("CREATE news").isOK)
        #expect(try connection.request(#"ADD {"id":"d","body":"default index 大同"}"#).isOK)
        #expect(try connection.request("USE news").isOK)
        #expect(try connection.request(#"ADD {"id":"n","body":"news index 大同"}"#).isOK)
        #expect(try connection.request("COMMIT").isOK)
        connection.close()
        fixture.daemon.kill(signal: SIGTERM)
        #expect(await fixture.daemon.waitForExit() == 0)

        let news = fixture.daemon.dataDirectory + "/news"
        let postings = try #require(
            try FileManager.default.contentsOfDirectory(atPath: news).first { $0.hasSuffix(".post") }
        )
        var bytes = try #require(FileManager.default.contents(atPath: news + "/" + postings))
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: news + "/" + postings))

        let again = try await DaemonProcess.start(dataDirectory: fixture.daemon.dataDirectory, socket: fixture.socket)
        defer { again.kill() }
        let check = try again.connect()
        #expect(try check.request("COUNT 大同").final == "OK 1")
        #expect(try check.request("INDEXES").lines == ["INDEX default", "INDEX news"])
        #expect(try check.request("USE news").isOK)
        // Open checks only the structure; the background verification finds the damage.
        let refused = try await Self.refusedOnceVerified(check, "SEARCH 大同")
        #expect(again.log().contains("news"), "\(again.log())")
        #expect(refused.errorCode == "CORRUPT", "\(refused)")
        #expect(refused.final.contains(postings), "\(refused)")
        #expect(try check.request(#"ADD {"id":"x","body":"y"}"#).errorCode == "CORRUPT")
        #expect(try check.request("CREATE news").errorCode == "INDEX_EXISTS")
        #expect(try check.request("DROP news").isOK)
        #expect(try check.request("INDEXES").lines == ["INDEX default"])
        #expect(!FileManager.default.fileExists(atPath: news))
    }

    /// Sends `request` until it is refused (the background verification of a damaged index
    /// is done), for at most 30 seconds; returns the last reply.
    static func refusedOnceVerified(_ connection: SouConnection, _ request: String) async throws -> ClientResponse {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let reply = try connection.request(request)
            if reply.errorCode != nil || ContinuousClock.now > deadline { return reply }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// A byte flipped in the middle of a segment's stored fields: soud starts and answers at
    /// once (open checks no checksum), the background verification then takes the index out
    /// of service — GET and SEARCH answer `ERR CORRUPT` naming the file, the daemon runs on —
    /// and `VERIFY` verifies a healthy index on demand.
    @Test func damageFoundAfterStartTakesTheIndexOutOfService() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        for round in 0..<3 {
            for id in 0..<10 {
                let line = #"ADD {"id":"d\#(round)-\#(id)","body":"stored words 大同 \#(id) round \#(round)"}"#
                #expect(try connection.request(line).isOK)
            }
            #expect(try connection.request("COMMIT").isOK)
        }
        let verified = try connection.request("VERIFY")
        // At least the three commits' segments (a refresh may have cut more), all verified again.
        #expect(
            verified.isOK && verified.final.hasPrefix("OK verified ") && !verified.final.hasPrefix("OK verified 0 ")
        )
        connection.close()
        fixture.daemon.kill(signal: SIGTERM)
        #expect(await fixture.daemon.waitForExit() == 0)

        let index = fixture.daemon.dataDirectory + "/default"
        let store = try #require(
            try FileManager.default.contentsOfDirectory(atPath: index).sorted().first { $0.hasSuffix(".store") }
        )
        var bytes = try #require(FileManager.default.contents(atPath: index + "/" + store))
        bytes[bytes.count / 3] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: index + "/" + store))

        let again = try await DaemonProcess.start(dataDirectory: fixture.daemon.dataDirectory, socket: fixture.socket)
        defer { again.kill() }
        let check = try again.connect()
        #expect(try check.request("PING").final == "OK PONG")
        let refused = try await Self.refusedOnceVerified(check, "GET d0-1")
        #expect(refused.errorCode == "CORRUPT", "\(refused)")
        #expect(refused.final.contains(store) && refused.final.contains("out of service"), "\(refused)")
        let search = try check.request("SEARCH 大同")
        #expect(search.errorCode == "CORRUPT" && search.final.contains(store), "\(search)")
        #expect(try check.request("VERIFY").errorCode == "CORRUPT")
        #expect(try check.request("PING").final == "OK PONG")
        #expect(again.log().contains(store), "\(again.log())")
        // Another index is served and verified on demand.
        #expect(try check.request("CREATE fresh").isOK)
        #expect(try check.request("USE fresh").isOK)
        #expect(try check.request(#"ADD {"id":"f","body":"fresh"}"#).isOK)
        #expect(try check.request("COMMIT").isOK)
        #expect(try check.request("VERIFY").final == "OK verified 1 segments")
        #expect(try check.request("STATS").lines.contains("STAT unverified_segments 0"))
    }

    @Test func secondDaemonOnTheSameDataDirectoryFailsClearly() async throws {
        let fixture = try await DaemonFixture.start()
        let second = try await DaemonProcess.start(
            dataDirectory: fixture.daemon.dataDirectory,
            socket: fixture.directory.appending("other.sock"),
            waitForSocket: false
        )
        let status = await second.waitForExit()
        #expect(status != 0)
        #expect(second.log().contains("data directory is locked by another process"), "\(second.log())")
        #expect(second.log().contains(fixture.daemon.dataDirectory + "/LOCK"))
        // The first one is unharmed.
        #expect(try fixture.daemon.request("PING").final == "OK PONG")
    }

    @Test func boostsArePerIndexPersistAndChangeScores() async throws {
        let directory = try TemporaryDirectory(prefix: "sou-it-boost")
        let data = directory.appending("data")
        let socket = directory.appending("s.sock")
        var daemon = try await DaemonProcess.start(dataDirectory: data, socket: socket)
        let connection = try daemon.connect()
        #expect(try connection.request("CREATE boosted title=3").isOK)
        #expect(try connection.request("CREATE plain").isOK)
        // Boosts are checked: a huge one would overflow scores, a bad field name does nothing.
        #expect(try connection.request("CREATE huge title=1e15").errorCode == "SYNTAX")
        #expect(try connection.request("CREATE caps Title=2").errorCode == "SYNTAX")
        #expect(try connection.request("CREATE top title=1000").isOK)
        #expect(try connection.request("DROP top").isOK)
        for index in ["boosted", "plain"] {
            #expect(try connection.request("USE \(index)").isOK)
            #expect(try connection.request(#"ADD {"id":"t","title":"alpha","body":"other words here"}"#).isOK)
            #expect(try connection.request(#"ADD {"id":"b","title":"other","body":"alpha words here"}"#).isOK)
            #expect(try connection.request("COMMIT").isOK)
        }
        func check(_ connection: SouConnection) throws {
            #expect(try connection.request("USE plain").isOK)
            let plain = try connection.request("SEARCH snippet=off alpha").lines
            #expect(try connection.request("USE boosted").isOK)
            let boosted = try connection.request("SEARCH snippet=off alpha").lines
            let (plainTitle, plainBody) = (try #require(score(plain, "t")), try #require(score(plain, "b")))
            let (boostedTitle, boostedBody) = (try #require(score(boosted, "t")), try #require(score(boosted, "b")))
            // The title match counts three times in `boosted` only; body matches are unchanged.
            #expect(abs(boostedTitle - 3 * plainTitle) < 0.001 * boostedTitle + 0.0002, "\(plain) \(boosted)")
            #expect(abs(boostedBody - plainBody) < 0.0002)
            #expect(hits(boosted).first?.id == "t")
        }
        try check(connection)
        connection.close()
        daemon.kill(signal: SIGTERM)
        #expect(await daemon.waitForExit() == 0)

        daemon = try await DaemonProcess.start(dataDirectory: data, socket: socket)
        let again = try daemon.connect()
        #expect(try again.request("INDEXES").lines == ["INDEX boosted", "INDEX default", "INDEX plain"])
        try check(again)
        // Dropping one index leaves the other's boosts alone.
        #expect(try again.request("DROP plain").isOK)
        #expect(try again.request("USE boosted").isOK)
        #expect(hits(try again.request("SEARCH snippet=off alpha").lines).first?.id == "t")
        again.close()
        daemon.kill(signal: SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    /// Writes racing `DROP`s of their index get `OK` or `NO_INDEX`, never `SHUTTING_DOWN`
    /// (the daemon is not stopping): a write already inside the index when `DROP` closed it
    /// used to get `ERR SHUTTING_DOWN index 'x' is closed`.
    @Test func writesRacingADropGetNoIndex() async throws {
        let fixture = try await DaemonFixture.start()
        let admin = try fixture.connect()
        #expect(try admin.request("CREATE x").isOK)
        let tally = RaceTally()
        let socket = fixture.socket
        // Threads, not tasks: the writers block on their sockets.
        let writers = (0..<3).map { writer in
            Thread {
                defer { tally.finished.add(1, ordering: .relaxed) }
                guard let connection = try? SouConnection(socketPath: socket, timeout: .seconds(30)),
                    (try? connection.request("USE x"))?.isOK == true
                else { return tally.count("no connection") }
                var sent = 0
                while !tally.stop.load(ordering: .relaxed) {
                    sent += 1
                    let line = sent % 3 == 0 ? "COMMIT" : #"ADD {"id":"w\#(writer)-\#(sent)","body":"racing"}"#
                    guard let reply = try? connection.request(line) else { return tally.count("connection lost") }
                    tally.count(reply.isOK ? "OK" : reply.errorCode.map { "ERR \($0)" } ?? reply.final)
                }
            }
        }
        for writer in writers { writer.start() }
        for _ in 0..<30 {
            try await Task.sleep(for: .milliseconds(10))
            #expect(try admin.request("DROP x").isOK)
            try await Task.sleep(for: .milliseconds(10))
            #expect(try admin.request("CREATE x").isOK)
        }
        tally.stop.store(true, ordering: .relaxed)
        while tally.finished.load(ordering: .relaxed) < writers.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        let counts = tally.replies.withLock { $0 }
        print("replies to writes racing DROP:", counts)
        #expect(Set(counts.keys) == ["OK", "ERR NO_INDEX"], "\(counts)")
    }

    @Test func statsReportTheOpenTime() async throws {
        let fixture = try await DaemonFixture.start()
        let stats = try fixture.daemon.request("STATS").lines
        let line = try #require(stats.first { $0.hasPrefix("STAT open_time_ms ") }, "\(stats)")
        let value = try #require(Double(line.split(separator: " ")[2]))
        #expect(value > 0)
        #expect(value < 60_000)
    }
}

/// What the writers of `writesRacingADropGetNoIndex` saw, and when they stop.
private final class RaceTally: Sendable {
    let replies = Mutex<[String: Int]>([:])
    let stop = Atomic<Bool>(false)
    let finished = Atomic<Int>(0)

    func count(_ reply: String) { replies.withLock { $0[reply, default: 0] += 1 } }
}
