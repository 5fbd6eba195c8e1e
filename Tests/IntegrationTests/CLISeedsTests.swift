import Foundation
import SouTestSupport
import Testing

/// `sou` end to end on the repository's `seeds/` folder, and its terminal behaviour.
@Suite(.offCooperativePool) struct CLISeedsTests {
    static var seeds: String { SeedCorpus.repositoryRoot + "/seeds" }

    @Test func indexSeedsThenSearchGetDeleteWithExitCodes() async throws {
        let fixture = try await DaemonFixture.start()
        let files = try SeedCorpus.files()
        #expect(files.count >= 5)

        let index = try fixture.sou(["index", Self.seeds])
        #expect(index.status == 0, "\(index.standardError)")
        #expect(index.standardError.contains("\(files.count) documents added, 0 failed"))
        #expect(index.standardError.contains("docs/s") && index.standardError.contains("MB/s"))
        #expect(index.standardOutput.isEmpty)

        // Chinese queries match as substrings: the hits are exactly the files containing the term.
        for term in ["大同", "科技", "医院", "北京", "铁路"] {
            let expected = Set(files.filter { $0.text.contains(term) }.map(\.name))
            let search = try fixture.sou(["search", term, "--json", "--limit", "100"])
            let object = try #require(jsonObject(search.standardOutput), "\(term): \(search.standardError)")
            let hits = try #require(object["hits"] as? [[String: Any]])
            #expect(Set(hits.compactMap { $0["id"] as? String }) == expected, "\(term)")
            #expect(object["total"] as? Int == expected.count)
            #expect(search.status == (expected.isEmpty ? 1 : 0))
            for hit in hits {
                #expect((hit["snippet"] as? String)?.contains(term) == true, "\(term): \(hit)")
            }
        }
        let text = try fixture.sou(["search", "大同", "--limit", "2"])
        #expect(text.status == 0)
        #expect(text.standardOutput.contains(".txt"))
        #expect(text.standardError.contains("matching documents (hits 1-2)"))

        // get: the stored document is the file, title its first non-empty line.
        let (name, body) = files[0]
        let get = try fixture.sou(["get", name])
        #expect(get.status == 0)
        let document = try #require(jsonObject(get.standardOutput))
        #expect(document["id"] as? String == name)
        #expect(document["body"] as? String == body)
        let firstLine = body.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) }
        #expect(document["title"] as? String == firstLine.map { $0.trimmingCharacters(in: .whitespaces) })

        // delete, then the document is gone and searches no longer find it.
        let delete = try fixture.sou(["delete", name, "no-such-id"])
        #expect(delete.status == 0)
        #expect(delete.standardOutput == "1 deleted\n")
        #expect(try fixture.sou(["commit"]).status == 0)
        #expect(try fixture.sou(["get", name]).status == 1)
        let after = try fixture.sou(["search", "--json", "--limit", "100", "大同"])
        let afterIDs = (jsonObject(after.standardOutput)?["hits"] as? [[String: Any]] ?? []).compactMap {
            $0["id"] as? String
        }
        #expect(!afterIDs.contains(name))
        #expect(afterIDs.count == files.filter { $0.text.contains("大同") }.count - 1)
        let stats = try fixture.sou(["stats", "--json"])
        #expect(jsonObject(stats.standardOutput)?["documents"] as? Int == files.count - 1)

        // Re-indexing replaces documents by id: the count stays the number of files.
        #expect(try fixture.sou(["index", Self.seeds]).status == 0)
        #expect(jsonObject(try fixture.sou(["stats", "--json"]).standardOutput)?["documents"] as? Int == files.count)
    }

    /// Bad documents are reported (first ten, then a count), the good ones are still added,
    /// and the exit status is 4.
    @Test func indexReportsBadDocumentsAndKeepsTheGoodOnes() async throws {
        let fixture = try await DaemonFixture.start()
        let folder = try TemporaryDirectory(prefix: "sou-docs")
        try "good text 大同\n".write(toFile: folder.appending("good.txt"), atomically: true, encoding: .utf8)
        var lines = [#"{"id":"ok1","body":"fine 大同"}"#, "{not json", #"{"body":"no id"}"#]
        lines += (0..<12).map { #"{"id":"bad id \#($0)","body":"spaces in the id"}"# }
        lines.append(#"{"id":"ok2","body":"fine too 大同"}"#)
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: folder.appending("mixed.jsonl"),
            atomically: true,
            encoding: .utf8
        )
        let index = try fixture.sou(["index", folder.path])
        #expect(index.status == 4)
        #expect(index.standardError.contains("3 documents added, 14 failed"), "\(index.standardError)")
        #expect(index.standardError.contains("BAD_DOCUMENT"))
        #expect(index.standardError.contains("and 4 more errors"))
        let search = try fixture.sou(["search", "大同", "--json"])
        #expect(jsonObject(search.standardOutput)?["total"] as? Int == 3)
    }

    /// 0 ok, 1 no results / not found, 2 usage error, 3 daemon unreachable, 4 server error.
    @Test func exitCodes() async throws {
        let fixture = try await DaemonFixture.start()
        #expect(try fixture.sou(["ping"]).status == 0)
        #expect(try fixture.sou(["search", "nothingmatchesthis"]).status == 1)
        #expect(try fixture.sou(["get", "missing"]).status == 1)
        for usage in [
            ["frobnicate"], ["search"], ["get"], ["delete"], ["index"], ["search", "x", "--limit", "many"],
            ["index", "/no/such/folder"], ["--no-such-flag", "ping"],
        ] {
            #expect(try fixture.sou(usage).status == 2, "\(usage)")
        }
        let serverError = try fixture.sou(["--index", "nosuchindex", "search", "x"])
        #expect(serverError.status == 4)
        #expect(serverError.standardError.contains("NO_INDEX"))
        let badDocument = try fixture.sou(["add"], input: "{not json}\n")
        #expect(badDocument.status == 4)
        #expect(badDocument.standardError.contains("BAD_DOCUMENT"))
        #expect(try fixture.sou(["raw"], input: "PING\n").status == 0)
        let directory = try TemporaryDirectory(prefix: "sou-it")
        for arguments in [
            ["ping"], ["index", Self.seeds], ["add"], ["raw"], ["commit"], ["delete", "x"], ["indexes"],
        ] {
            let output = try ProcessRunner.run("sou", ["--socket", directory.appending("gone.sock")] + arguments)
            #expect(output.status == 3, "\(arguments)")
            #expect(output.standardError.contains("is soud running?"))
        }
        // A newline in an argument never becomes a second request.
        #expect(try fixture.sou(["raw"], input: "CREATE keep\n").status == 0)
        let injected = try fixture.sou(["get", "a\nDROP keep"])
        #expect(injected.status == 2)
        #expect(injected.standardError.contains("newline"))
        #expect(try fixture.sou(["--index", "keep\nDROP keep", "ping"]).status == 2)
        #expect(try fixture.sou(["delete", "x\nDROP keep"]).status == 2)
        #expect([0, 1].contains(try fixture.sou(["search", "大同\nDROP keep"]).status))
        #expect(try fixture.sou(["indexes"]).standardOutput == "default\nkeep\n")

        let help = try ProcessRunner.run("sou", ["--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("2 usage error"))
        #expect(help.standardOutput.contains("unreachable"))
    }

    /// On a terminal: a progress bar with docs/s and MB/s, coloured highlights; NO_COLOR and
    /// pipes turn colour off.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func terminalProgressBarAndColour() async throws {
        let fixture = try await DaemonFixture.start()
        let sou = ProcessRunner.executable("sou")
        func onTerminal(_ command: String, environment: [String: String?] = [:]) throws -> String {
            let output = try ProcessRunner.run(
                "/usr/bin/script",
                ["-qec", command, "/dev/null"],
                environment: environment
            )
            #expect(output.status == 0, "\(command): \(output.standardOutput)")
            return output.standardOutput
        }
        let index = try onTerminal("'\(sou)' --socket '\(fixture.socket)' index '\(Self.seeds)'")
        #expect(index.contains("[" + String(repeating: "#", count: 24) + "]"), "\(index)")
        #expect(index.contains("docs/s"))
        #expect(index.contains("MB/s"))
        #expect(index.contains("documents added"))
        let search = "'\(sou)' --socket '\(fixture.socket)' search 大同 --limit 1"
        let coloured = try onTerminal(search, environment: ["NO_COLOR": nil])
        #expect(coloured.contains("\u{1B}[1;31m大同\u{1B}[0m"))
        let plain = try onTerminal(search, environment: ["NO_COLOR": "1"])
        #expect(plain.contains("大同"))
        #expect(!plain.contains("\u{1B}["))
    }
}
