import Foundation
import SouTestSupport
import Testing

/// The `sou` binary against a real daemon.
@Suite(.offCooperativePool) struct CLITests {
    @Test func searchJSONShapeAndExitCodes() async throws {
        let fixture = try await DaemonFixture.start()
        let documents = (0..<15).map { #"{"id":"c\#($0)","title":"标题 \#($0)","body":"大同 教育 number \#($0)"}"# }
        let add = try fixture.sou(["add"], input: documents.joined(separator: "\n") + "\n")
        #expect(add.status == 0, "\(add.standardError)")
        let search = try fixture.sou(["search", "大同", "--json", "--limit", "3", "--offset", "1"])
        #expect(search.status == 0, "\(search.standardError)")
        let lines = search.standardOutput.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(jsonObject(String(lines[0])))
        #expect(object["total"] as? Int == 15)
        let hits = try #require(object["hits"] as? [[String: Any]])
        #expect(hits.count == 3)
        for hit in hits {
            #expect(hit["id"] is String)
            #expect(hit["score"] is Double)
            let snippet = try #require(hit["snippet"] as? String)
            #expect(snippet.contains("大同"))
            #expect(!snippet.contains("\u{1}"))
        }
        let none = try fixture.sou(["search", "nomatchwhatsoever"])
        #expect(none.status == 1)
        let usage = try fixture.sou(["search"])
        #expect(usage.status == 2)
        let badQuery = try fixture.sou(["search", "\"unclosed"])
        #expect(badQuery.status == 4)
        #expect(badQuery.standardError.contains("BAD_QUERY"))
    }

    @Test func pipedOutputIsPlain() async throws {
        let fixture = try await DaemonFixture.start()
        _ = try fixture.sou(["add"], input: #"{"id":"p1","body":"plain 大同 text"}"# + "\n")
        let search = try fixture.sou(["search", "大同"])
        #expect(search.status == 0)
        #expect(search.standardOutput.contains("p1"))
        #expect(search.standardOutput.contains("plain 大同 text"))
        #expect(!search.standardOutput.contains("\u{1B}["))
    }

    @Test func unreachableDaemonIsExitCode3() throws {
        let directory = try TemporaryDirectory(prefix: "sou-it")
        for arguments in [["ping"], ["search", "x"], ["stats"], ["get", "a"]] {
            let output = try ProcessRunner.run("sou", ["--socket", directory.appending("none.sock")] + arguments)
            #expect(output.status == 3, "\(arguments)")
        }
        let viaEnvironment = try ProcessRunner.run(
            "sou",
            ["ping"],
            environment: ["SOU_SOCKET": directory.appending("none.sock")]
        )
        #expect(viaEnvironment.status == 3)
    }

    @Test func indexFolderGetDeleteStatsRaw() async throws {
        let fixture = try await DaemonFixture.start()
        let folder = try TemporaryDirectory(prefix: "sou-docs")
        try FileManager.default.createDirectory(atPath: folder.appending("sub"), withIntermediateDirectories: true)
        try "\n  First Title\nsecond line 大同\n".write(
            toFile: folder.appending("a.txt"),
            atomically: true,
            encoding: .utf8
        )
        try "# Heading\nmarkdown 大同 body\n".write(
            toFile: folder.appending("sub/b.md"),
            atomically: true,
            encoding: .utf8
        )
        try #"{"id":"j1","body":"jsonl 大同"}"#.appending("\n" + #"{"id":"j2","body":"jsonl two"}"# + "\n")
            .write(toFile: folder.appending("c.jsonl"), atomically: true, encoding: .utf8)
        try "ignored".write(toFile: folder.appending("d.bin"), atomically: true, encoding: .utf8)
        let index = try fixture.sou(["index", folder.path])
        #expect(index.status == 0, "\(index.standardError)")
        #expect(index.standardError.contains("4 documents added"))
        let get = try fixture.sou(["get", "a.txt"])
        #expect(get.status == 0)
        let document = try #require(jsonObject(get.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(document["title"] as? String == "First Title")
        #expect(try fixture.sou(["get", "sub/b.md"]).status == 0)
        #expect(try fixture.sou(["get", "missing"]).status == 1)
        let count = try fixture.sou(["search", "--json", "大同"])
        #expect(jsonObject(count.standardOutput)?["total"] as? Int == 3)
        let delete = try fixture.sou(["delete", "j1", "j2"])
        #expect(delete.standardOutput == "2 deleted\n")
        #expect(try fixture.sou(["commit"]).status == 0)
        let stats = try fixture.sou(["stats", "--json"])
        #expect(jsonObject(stats.standardOutput)?["documents"] as? Int == 2)
        let raw = try fixture.sou(["raw"], input: "PING\nCOUNT 大同\nFROB\n")
        #expect(raw.standardOutput.hasPrefix("OK PONG\nOK 2\nERR UNKNOWN_COMMAND"))
        #expect(raw.status == 4)
        let indexes = try fixture.sou(["indexes"])
        #expect(indexes.standardOutput == "default\n")
        #expect(try fixture.sou(["ping"]).status == 0)
    }
}
