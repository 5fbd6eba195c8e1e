import Foundation
import SouTestSupport
import Testing

/// Index lifecycle through a real `soud`: one process per data directory, per-index boosts
/// that persist and change scores, open time in STATS.
@Suite struct IndexLifecycleEndToEndTests {
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
        let postings = try #require(try FileManager.default.contentsOfDirectory(atPath: news).first { $0.hasSuffix(".post") })
        var bytes = try #require(FileManager.default.contents(atPath: news + "/" + postings))
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: news + "/" + postings))

        let again = try await DaemonProcess.start(dataDirectory: fixture.daemon.dataDirectory, socket: fixture.socket)
        defer { again.kill() }
        #expect(again.log().contains("news"), "\(again.log())")
        let check = try again.connect()
        #expect(try check.request("COUNT 大同").final == "OK 1")
        #expect(try check.request("INDEXES").lines == ["INDEX default", "INDEX news"])
        #expect(try check.request("USE news").isOK)
        let refused = try check.request("SEARCH 大同")
        #expect(refused.errorCode == "CORRUPT", "\(refused)")
        #expect(refused.final.contains(postings), "\(refused)")
        #expect(try check.request(#"ADD {"id":"x","body":"y"}"#).errorCode == "CORRUPT")
        #expect(try check.request("CREATE news").errorCode == "INDEX_EXISTS")
        #expect(try check.request("DROP news").isOK)
        #expect(try check.request("INDEXES").lines == ["INDEX default"])
        #expect(!FileManager.default.fileExists(atPath: news))
    }

    @Test func secondDaemonOnTheSameDataDirectoryFailsClearly() async throws {
        let fixture = try await DaemonFixture.start()
        let second = try await DaemonProcess.start(
            dataDirectory: fixture.daemon.dataDirectory, socket: fixture.directory.appending("other.sock"),
            waitForSocket: false)
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

    @Test func statsReportTheOpenTime() async throws {
        let fixture = try await DaemonFixture.start()
        let stats = try fixture.daemon.request("STATS").lines
        let line = try #require(stats.first { $0.hasPrefix("STAT open_time_ms ") }, "\(stats)")
        let value = try #require(Double(line.split(separator: " ")[2]))
        #expect(value > 0)
        #expect(value < 60_000)
    }
}
