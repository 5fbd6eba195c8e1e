import Foundation
import SouClient
import SouTestSupport
import Testing

/// The line protocol against a real `soud` process.
@Suite(.offCooperativePool) struct ProtocolEndToEndTests {
    @Test func pingVersionHelp() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        #expect(try connection.request("PING").final == "OK PONG")
        #expect(try connection.request("ping").final == "OK PONG")
        #expect(try connection.request("VERSION").final.hasPrefix("OK sou "))
        let help = try connection.request("HELP")
        #expect(help.isOK)
        #expect(help.lines.contains { $0.hasPrefix("SEARCH ") })
        #expect(try connection.request("INDEXES").lines == ["INDEX default"])
    }

    @Test func addCommitSearchGetDelete() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        #expect(
            try connection.request(#"ADD {"id":"d1","title":"大同 教育","body":"大同市的教育发展 hello world"}"#).final
                == "OK added d1"
        )
        #expect(try connection.request(#"UPSERT {"id":"d2","title":"other","body":"nothing to see hello"}"#).isOK)
        #expect(try connection.request("COMMIT").final == "OK committed")
        let search = try connection.request("SEARCH limit=5 大同")
        #expect(search.isOK, "\(search)")
        #expect(search.lines.first?.hasPrefix("HIT d1 ") == true)
        #expect(search.lines.contains { $0.hasPrefix("SNIPPET ") && $0.contains("«大同»") })
        #expect(search.final.hasPrefix("OK hits=1 total=1 "))
        #expect(try connection.request("COUNT hello").final == "OK 2")
        let fields = try connection.request("SEARCH fields=title snippet=off hello")
        #expect(fields.lines.contains(#"FIELD title "大同 教育""#))
        #expect(!fields.lines.contains { $0.hasPrefix("SNIPPET") })
        let get = try connection.request("GET d1")
        #expect(get.lines == [#"DOC {"id":"d1","title":"大同 教育","body":"大同市的教育发展 hello world"}"#])
        #expect(try connection.request("DELETE d1 nope").final == "OK 1 deleted")
        #expect(try connection.request("COMMIT").isOK)
        #expect(try connection.request("GET d1").errorCode == "NOT_FOUND")
        #expect(try connection.request("COUNT hello").final == "OK 1")
        let stats = try connection.request("STATS")
        #expect(stats.lines.contains("STAT index default"))
        #expect(stats.lines.contains("STAT documents 1"))
    }

    @Test func documentWithEscapesRoundTrips() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        let body = "line one\nline two\ttabbed \"quoted\" back\\slash 和 emoji 🎉\r\nend"
        let document = JSONValueEncoding.object(["id": "esc-1", "body": body])
        #expect(try connection.request("ADD " + document).isOK)
        #expect(try connection.request("COMMIT").isOK)
        try connection.send("JSON ON")
        _ = try connection.readResponse()
        let reply = try connection.request("GET esc-1")
        let object = try #require(jsonObject(reply.final))
        let stored = try #require(object["document"] as? [String: Any])
        #expect(stored["body"] as? String == body)
        #expect(stored["id"] as? String == "esc-1")
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        var lines: [String] = []
        for index in 0..<300 {
            lines.append(#"ADD {"id":"p\#(index)","body":"pipeline word\#(index) common"}"#)
        }
        lines.append("COMMIT")
        for index in 0..<100 { lines.append("COUNT word\(index)") }
        lines.append("COUNT common")
        try connection.write(Array((lines.joined(separator: "\n") + "\n").utf8))
        for index in 0..<300 {
            #expect(try connection.readResponse().final == "OK added p\(index)")
        }
        #expect(try connection.readResponse().final == "OK committed")
        for _ in 0..<100 {
            #expect(try connection.readResponse().final == "OK 1")
        }
        #expect(try connection.readResponse().final == "OK 300")
    }

    /// A bad document in a pipelined batch of ADDs fails alone: the good ones around it are
    /// written and answered OK, in order.
    @Test func badDocumentInPipelinedBatchFailsAlone() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        var lines: [String] = []
        var bad: Set<Int> = []
        for index in 0..<60 {
            if index % 7 == 3 {
                bad.insert(index)
                lines.append(#"ADD {"id":"b\#(index)","Body":"capital field name"}"#)
            } else {
                lines.append(#"ADD {"id":"b\#(index)","body":"batch member"}"#)
            }
        }
        lines.append("COUNT batch")
        try connection.write(Array((lines.joined(separator: "\n") + "\n").utf8))
        for index in 0..<60 {
            let reply = try connection.readResponse()
            if bad.contains(index) {
                #expect(reply.errorCode == "BAD_DOCUMENT", "\(index): \(reply)")
            } else {
                #expect(reply.final == "OK added b\(index)", "\(index): \(reply)")
            }
        }
        _ = try connection.readResponse()
        #expect(try connection.request("COMMIT").isOK)
        #expect(try connection.request("COUNT batch").final == "OK \(60 - bad.count)")
    }

    /// An index holds at most 255 distinct field names (a segment numbers fields in a byte).
    /// Documents that would pass the limit are refused before they are logged, one by one,
    /// so the index keeps committing, and it reopens after a restart.
    @Test func fieldLimitIsIndexWide() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        var lines: [String] = []
        for index in 0..<200 {
            lines.append(#"ADD {"id":"f\#(index)","a\#(index)":"shared","b\#(index)":"x"}"#)
        }
        try connection.write(Array((lines.joined(separator: "\n") + "\n").utf8))
        var accepted = 0
        for index in 0..<200 {
            let reply = try connection.readResponse()
            if index < 127 {
                #expect(reply.final == "OK added f\(index)", "\(index): \(reply)")
                accepted += reply.isOK ? 1 : 0
            } else {
                #expect(reply.errorCode == "BAD_DOCUMENT", "\(index): \(reply)")
                #expect(reply.final.contains("255"), "\(reply)")
            }
        }
        // One new field still fits (254 used); known fields always do.
        #expect(try connection.request(#"ADD {"id":"last","z":"shared"}"#).isOK)
        #expect(try connection.request(#"ADD {"id":"over","zz":"shared"}"#).errorCode == "BAD_DOCUMENT")
        #expect(try connection.request(#"ADD {"id":"known","a0":"shared"}"#).isOK)
        #expect(try connection.request("COMMIT").isOK)
        #expect(try connection.request("COUNT shared").final == "OK \(accepted + 2)")
        connection.close()
        fixture.daemon.kill(signal: SIGKILL)
        _ = await fixture.daemon.waitForExit()
        let again = try await DaemonProcess.start(dataDirectory: fixture.daemon.dataDirectory, socket: fixture.socket)
        defer { again.kill() }
        #expect(try again.request("COUNT shared").final == "OK \(accepted + 2)")
        #expect(try again.request(#"ADD {"id":"after","a1":"shared"}"#).isOK)
    }

    @Test func concurrentConnections() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = fixture.socket
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    let connection = try SouConnection(socketPath: socket, timeout: .seconds(300))
                    for index in 0..<20 {
                        let reply = try connection.request(#"ADD {"id":"w\#(worker)-\#(index)","body":"concurrent"}"#)
                        #expect(reply.final == "OK added w\(worker)-\(index)")
                        #expect(try connection.request("PING").final == "OK PONG")
                    }
                }
            }
            try await group.waitForAll()
        }
        let connection = try fixture.connect()
        #expect(try connection.request("COMMIT").isOK)
        #expect(try connection.request("COUNT concurrent").final == "OK 320")
    }

    @Test func badInputGetsErrAndTheConnectionKeepsWorking() async throws {
        let fixture = try await DaemonFixture.start(["--max-line-bytes", "1000"])
        let connection = try fixture.connect()
        try connection.write(Array("SEARCH ".utf8) + [0xFF, 0xFE, 0x0A])
        #expect(try connection.readResponse().errorCode == "BAD_UTF8")
        #expect(try connection.request("FROBNICATE").errorCode == "UNKNOWN_COMMAND")
        #expect(try connection.request("SEARCH \"unclosed").errorCode == "BAD_QUERY")
        #expect(try connection.request("SEARCH (a OR").errorCode == "BAD_QUERY")
        #expect(try connection.request("GET").errorCode == "SYNTAX")
        #expect(try connection.request("ADD {not json").errorCode == "BAD_DOCUMENT")
        #expect(try connection.request("SEARCH limit=100000 x").errorCode == "LIMIT")
        #expect(try connection.request("USE nope").errorCode == "NO_INDEX")
        try connection.send(String(repeating: "x", count: 5000))
        #expect(try connection.readResponse().errorCode == "LINE_TOO_LONG")
        // An oversize line arriving in pieces, followed by a request in the same write.
        try connection.write(Array(("SEARCH " + String(repeating: "y", count: 3000)).utf8))
        try connection.write(Array((String(repeating: "y", count: 3000) + "\nPING\n").utf8))
        #expect(try connection.readResponse().errorCode == "LINE_TOO_LONG")
        #expect(try connection.readResponse().final == "OK PONG")
        #expect(try connection.request("PING\r").final == "OK PONG")
        #expect(try connection.request("QUIT").final == "OK bye")
        #expect(try connection.readLine() == nil)
    }

    @Test func documentSizeAndConnectionLimits() async throws {
        let fixture = try await DaemonFixture.start(["--max-document-bytes", "100", "--max-connections", "2"])
        let connection = try fixture.connect()
        let large = #"ADD {"id":"big","body":""# + String(repeating: "z", count: 200) + #""}"#
        #expect(try connection.request(large).errorCode == "DOC_TOO_LARGE")
        #expect(try connection.request("PING").final == "OK PONG")
        // The fixture's readiness probe may still count until the daemon sees it closed.
        try Self.waitForOpenConnections(1, on: connection)
        let second = try fixture.connect()
        #expect(try second.request("PING").final == "OK PONG")
        let third = try fixture.connect()
        #expect(try third.readResponse().errorCode == "BUSY")
        #expect(try third.readLine() == nil)
    }

    /// Waits until `STATS` reports `count` open connections (10 minutes: a hang guard only).
    static func waitForOpenConnections(_ count: Int, on connection: SouConnection) throws {
        let expected = "STAT connections \(count)"
        let deadline = ContinuousClock.now + .seconds(600)
        while try !connection.request("STATS").lines.contains(expected), ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(try connection.request("STATS").lines.contains(expected))
    }

    @Test func jsonMode() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        #expect(try connection.request(#"ADD {"id":"j1","body":"json mode test"}"#).isOK)
        #expect(try connection.request("COMMIT").isOK)
        #expect(try connection.request("json on").final == #"{"ok":true,"message":"JSON on"}"#)
        let search = try connection.request("SEARCH json")
        let object = try #require(jsonObject(search.final))
        #expect(object["ok"] as? Bool == true)
        #expect(object["total"] as? Int == 1)
        let hits = try #require(object["hits"] as? [[String: Any]])
        #expect(hits.first?["id"] as? String == "j1")
        #expect(hits.first?["score"] is Double)
        let error = try connection.request("FROB")
        #expect(jsonObject(error.final)?["code"] as? String == "UNKNOWN_COMMAND")
        #expect(try connection.request("JSON OFF").final == "OK JSON off")
    }

    @Test func indexesCanBeCreatedUsedAndDropped() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        #expect(try connection.request("CREATE news title=2").final == "OK created news")
        #expect(try connection.request("CREATE news").errorCode == "INDEX_EXISTS")
        #expect(try connection.request("CREATE Bad!").errorCode == "BAD_NAME")
        #expect(try connection.request("INDEXES").lines == ["INDEX default", "INDEX news"])
        #expect(try connection.request("USE news").isOK)
        #expect(try connection.request(#"ADD {"id":"n1","title":"headline"}"#).isOK)
        #expect(try connection.request("COMMIT").isOK)
        #expect(try connection.request("COUNT headline").final == "OK 1")
        #expect(try connection.request("USE default").isOK)
        #expect(try connection.request("COUNT headline").final == "OK 0")
        #expect(try connection.request("DROP news").final == "OK dropped news")
        #expect(try connection.request("INDEXES").lines == ["INDEX default"])
    }
}

/// Encodes a flat JSON object of strings with Foundation (as a client would).
enum JSONValueEncoding {
    static func object(_ members: [String: String]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: members, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
