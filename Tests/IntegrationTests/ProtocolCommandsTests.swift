import Foundation
import SouClient
import SouTestSupport
import Testing

/// Every command of docs/PROTOCOL.md against a real `soud`, in text mode and in JSON mode,
/// each as one pipelined batch written at once.
@Suite(.offCooperativePool) struct ProtocolCommandsTests {
    /// The batch both modes run: every command, including an error and QUIT last.
    static let batch: [String] = [
        "PING",
        "VERSION",
        "HELP",
        "help search",
        #"ADD {"id":"a1","title":"大同 教育","body":"大同市的教育发展\n第二行 \"引号\"\t制表"}"#,
        #"UPSERT {"id":"a2","title":"other","body":"教育 and more 教育 text"}"#,
        #"add {"id":"a3","title":"third","body":"nothing here"}"#,
        "COMMIT",
        "SEARCH limit=1 offset=1 fields=* hl=<b>,</b> 教育",
        "SEARCH snippet=off limit=5 -- 教育",
        "COUNT 教育",
        "GET a1",
        "DELETE a3 missing",
        "COMMIT",
        "STATS",
        "CREATE news title=2",
        "INDEXES",
        "USE news",
        "COUNT 教育",
        "USE default",
        "DROP news",
        "FROB",
        "QUIT",
        "PING",
    ]

    @Test func everyCommandInTextModeAsOnePipelinedBatch() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        try connection.write(Array((Self.batch.joined(separator: "\n") + "\n").utf8))
        var replies: [ClientResponse] = []
        for _ in 0..<(Self.batch.count - 1) { replies.append(try connection.readResponse()) }
        // QUIT closed the connection: the PING after it was not run.
        #expect(try connection.readLine() == nil)

        #expect(replies[0].final == "OK PONG")
        #expect(replies[1].final.hasPrefix("OK sou ") && replies[1].final.contains(" protocol 1"))
        #expect(replies[2].lines.count == Int(replies[2].message.split(separator: " ")[0]))
        for command in [
            "PING", "VERSION", "SEARCH", "COUNT", "GET", "ADD", "UPSERT", "DELETE", "COMMIT", "STATS",
            "USE", "INDEXES", "CREATE", "DROP", "JSON", "HELP", "QUIT", "EXPORT",
        ] {
            #expect(replies[2].lines.contains { $0.hasPrefix(command) }, "HELP lists \(command)")
        }
        #expect(replies[3].final.hasPrefix("OK SEARCH [limit=N]"))
        #expect(replies[3].lines.count == 2)
        #expect(replies[4].final == "OK added a1")
        #expect(replies[5].final == "OK added a2")
        #expect(replies[6].final == "OK added a3")
        #expect(replies[7].final == "OK committed")

        // The second-best hit (offset=1), every stored field, <b> markers.
        let page = replies[8]
        #expect(page.final.hasPrefix("OK hits=1 total=2 "), "\(page)")
        let hits = page.lines.filter { $0.hasPrefix("HIT ") }
        #expect(hits.count == 1)
        #expect(page.lines.contains { $0.hasPrefix("SNIPPET ") && $0.contains("<b>教育</b>") })
        #expect(page.lines.filter { $0.hasPrefix("FIELD ") }.count == 2)
        let full = replies[9]
        #expect(full.final.hasPrefix("OK hits=2 total=2 "))
        #expect(!full.lines.contains { $0.hasPrefix("SNIPPET") })
        let ranked = full.lines.map { $0.split(separator: " ")[1] }
        #expect(hits.first.map { String($0.split(separator: " ")[1]) } == ranked.last.map(String.init))

        #expect(replies[10].final == "OK 2")
        #expect(replies[11].lines == [#"DOC {"id":"a1","title":"大同 教育","body":"大同市的教育发展\n第二行 \"引号\"\t制表"}"#])
        #expect(replies[11].final == "OK")
        #expect(replies[12].final == "OK 1 deleted")
        #expect(replies[13].final == "OK committed")
        let stats = replies[14]
        #expect(stats.lines.first == "STAT index default")
        #expect(stats.lines.contains("STAT documents 2"))
        #expect(stats.lines.contains { $0.hasPrefix("STAT requests ") })
        #expect(stats.lines.allSatisfy { $0.hasPrefix("STAT ") })
        #expect(replies[15].final == "OK created news")
        #expect(replies[16].lines == ["INDEX default", "INDEX news"])
        #expect(replies[16].final == "OK 2 indexes")
        #expect(replies[17].final == "OK using news")
        #expect(replies[18].final == "OK 0")
        #expect(replies[19].final == "OK using default")
        #expect(replies[20].final == "OK dropped news")
        #expect(replies[21].errorCode == "UNKNOWN_COMMAND")
        #expect(replies[22].final == "OK bye")
    }

    @Test func everyCommandInJSONModeAsOnePipelinedBatch() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        let lines = ["JSON ON"] + Self.batch
        try connection.write(Array((lines.joined(separator: "\n") + "\n").utf8))
        var replies: [[String: Any]] = []
        for index in 0..<(lines.count - 1) {
            let response = try connection.readResponse()
            #expect(response.lines.isEmpty, "reply \(index) is one line")
            replies.append(
                try #require(jsonObject(response.final), "reply \(index) is a JSON object: \(response.final)")
            )
        }
        #expect(try connection.readLine() == nil)

        func ok(_ index: Int) -> Bool { replies[index]["ok"] as? Bool == true }
        #expect(replies[0]["message"] as? String == "JSON on")
        #expect(replies[1]["message"] as? String == "PONG")
        #expect(replies[2]["version"] is String)
        #expect(replies[2]["protocol"] as? Int == 1)
        let commands = try #require(replies[3]["commands"] as? [String])
        #expect(commands.contains { $0.hasPrefix("SEARCH ") })
        #expect((replies[4]["usage"] as? String)?.hasPrefix("SEARCH [limit=N]") == true)
        #expect(replies[4]["summary"] is String)
        #expect(replies[5]["id"] as? String == "a1")
        #expect(replies[6]["id"] as? String == "a2")
        #expect(replies[7]["id"] as? String == "a3")
        #expect(ok(8))

        #expect(replies[9]["total"] as? Int == 2)
        let page = try #require(replies[9]["hits"] as? [[String: Any]])
        #expect(page.count == 1)
        #expect((page[0]["snippet"] as? String)?.contains("<b>教育</b>") == true)
        let stored = try #require(page[0]["fields"] as? [String: String])
        #expect(Set(stored.keys) == ["title", "body"])
        #expect(page[0]["score"] is Double)
        #expect(replies[9]["took_ms"] is Double || replies[9]["took_ms"] is Int)
        let full = try #require(replies[10]["hits"] as? [[String: Any]])
        #expect(full.count == 2)
        #expect(full.allSatisfy { $0["snippet"] == nil })
        #expect(full[1]["id"] as? String == page[0]["id"] as? String)
        let scores = full.compactMap { $0["score"] as? Double }
        #expect(scores == scores.sorted(by: >))

        #expect(replies[11]["count"] as? Int == 2)
        let document = try #require(replies[12]["document"] as? [String: String])
        #expect(document == ["id": "a1", "title": "大同 教育", "body": "大同市的教育发展\n第二行 \"引号\"\t制表"])
        #expect(replies[13]["deleted"] as? Int == 1)
        #expect(ok(14))
        let stats = try #require(replies[15]["stats"] as? [String: Any])
        #expect(stats["index"] as? String == "default")
        #expect(stats["documents"] as? Int == 2)
        #expect(stats["connections"] as? Int ?? 0 >= 1)
        #expect(stats["requests"] as? Int ?? 0 >= 15)
        #expect(stats["errors"] as? Int == 0)
        #expect(stats["uptime_seconds"] is Int)
        let residentBytes = try #require(stats["rss_bytes"] as? Int)
        let peakResidentBytes = try #require(stats["peak_rss_bytes"] as? Int)
        #if os(Linux)
        #expect(residentBytes > 0)
        #expect(peakResidentBytes >= residentBytes)
        #endif
        #expect(replies[16]["message"] as? String == "created news")
        #expect(replies[17]["indexes"] as? [String] == ["default", "news"])
        #expect(replies[18]["index"] as? String == "news")
        #expect(replies[19]["count"] as? Int == 0)
        #expect(replies[20]["index"] as? String == "default")
        #expect(replies[21]["message"] as? String == "dropped news")
        #expect(replies[22]["ok"] as? Bool == false)
        #expect(replies[22]["code"] as? String == "UNKNOWN_COMMAND")
        #expect(replies[22]["message"] is String)
        #expect(replies[23]["message"] as? String == "bye")
    }

    /// limit/offset page through one ranking: every page is the matching slice of the whole.
    @Test func pagesAreSlicesOfTheRanking() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        var lines: [String] = []
        for index in 0..<25 {
            let words = Array(repeating: "大同", count: 1 + index % 6).joined(separator: " ")
            lines.append(#"ADD {"id":"r\#(index)","body":"\#(words) filler \#(index)"}"#)
        }
        lines.append("COMMIT")
        try connection.write(Array((lines.joined(separator: "\n") + "\n").utf8))
        for _ in lines { #expect(try connection.readResponse().isOK) }
        func ids(_ request: String) throws -> [String] {
            let reply = try connection.request(request)
            #expect(reply.isOK, "\(reply)")
            return reply.lines.filter { $0.hasPrefix("HIT ") }.map { String($0.split(separator: " ")[1]) }
        }
        let all = try ids("SEARCH limit=25 snippet=off 大同")
        #expect(all.count == 25)
        #expect(Set(all).count == 25)
        for (limit, offset) in [(5, 0), (5, 5), (7, 20), (3, 24), (10, 30), (0, 0)] {
            let expected = Array(all.dropFirst(offset).prefix(limit))
            #expect(try ids("SEARCH limit=\(limit) offset=\(offset) snippet=off 大同") == expected, "\(limit) \(offset)")
        }
        #expect(try connection.request("SEARCH limit=0 大同").final.hasPrefix("OK hits=0 total=25 "))
        #expect(try connection.request("SEARCH limit=-1 大同").errorCode == "SYNTAX")
        #expect(try connection.request("SEARCH hl=only-one 大同").errorCode == "SYNTAX")
        #expect(try connection.request("SEARCH limit=5").errorCode == "SYNTAX")
        #expect(try connection.request("PING").final == "OK PONG")
    }

    /// An index dropped by one connection answers NO_INDEX on another that was using it,
    /// for reads and writes alike, until it switches; a new index of that name starts empty.
    @Test func droppedIndexIsNoIndexForOtherConnections() async throws {
        let fixture = try await DaemonFixture.start()
        let user = try fixture.connect()
        let dropper = try fixture.connect()
        #expect(try user.request("CREATE news").isOK)
        #expect(try user.request("USE news").isOK)
        #expect(try user.request(#"ADD {"id":"n1","body":"gone soon"}"#).isOK)
        #expect(try user.request("COMMIT").isOK)
        #expect(try dropper.request("DROP news").final == "OK dropped news")
        for request in [
            "COUNT gone", "SEARCH gone", "GET n1", #"ADD {"id":"n2","body":"x"}"#, "DELETE n1", "COMMIT", "STATS",
        ] {
            #expect(try user.request(request).errorCode == "NO_INDEX", "\(request)")
        }
        #expect(try user.request("DROP news").errorCode == "NO_INDEX")
        #expect(try user.request("USE news").errorCode == "NO_INDEX")
        #expect(try user.request("INDEXES").lines == ["INDEX default"])
        #expect(try dropper.request("CREATE news").isOK)
        #expect(try user.request("COUNT gone").final == "OK 0")
        #expect(try user.request("USE default").isOK)
    }
}
