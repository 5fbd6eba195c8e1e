import Foundation
import SouTestSupport
import Testing

/// `sou bench index` and `sou bench query` against a real daemon: the JSON reports hold every
/// member with sane values. Nothing here asserts on a time or a speed (machines are noisy):
/// only counts, structure and orderings that hold however fast the machine is.
@Suite(.offCooperativePool) struct SouBenchTests {
    static var seeds: String { SeedCorpus.repositoryRoot + "/seeds" }

    @Test func benchIndexSeedsThenQueryGeneratedQueries() async throws {
        let fixture = try await DaemonFixture.start()
        let files = try SeedCorpus.files()

        let index = try fixture.sou(["bench", "index", Self.seeds, "--json"])
        #expect(index.status == 0, "\(index.standardError)")
        let report = try #require(jsonObject(index.standardOutput), "\(index.standardOutput)")
        #expect(report["index"] as? String == "default")
        #expect(report["documents"] as? Int == files.count)
        #expect(report["index_documents"] as? Int == files.count)
        #expect(report["index_documents_before"] as? Int == 0)
        #expect(report["failed"] as? Int == 0)
        #expect(report["bytes"] as? Int ?? 0 >= files.reduce(0) { $0 + $1.text.utf8.count })
        for key in ["seconds", "docs_per_second", "mb_per_second"] {
            #expect(report[key] as? Double ?? 0 > 0, "\(key)")
        }
        // Found no later than COMMIT returned (plus the probe's last poll and round trip).
        let firstSearchable = try #require(report["first_searchable_seconds"] as? Double, "\(report)")
        #expect(firstSearchable > 0)
        #expect(report["index_size_bytes"] as? Int ?? 0 > 0)
        #expect(report["segments"] as? Int ?? 0 >= 1)
        let rss = try #require(report["rss_bytes"] as? Int)
        let peak = try #require(report["peak_rss_bytes"] as? Int)
        #if os(Linux)
        #expect(rss > 0)
        #expect(peak >= rss)
        #endif

        let queries = try TemporaryDirectory(prefix: "sou-bench")
        let saved = queries.appending("generated.txt")
        let query = try fixture.sou([
            "bench", "query", "--generate", "50", "--seed", "7", "--save-queries", saved, "--connections", "2",
            "--depth", "3", "--duration", "1", "--json",
        ])
        #expect(query.status == 0, "\(query.standardError)")
        let result = try #require(jsonObject(query.standardOutput), "\(query.standardOutput)")
        Self.expectSane(result, connections: 2, depth: 3, source: "generate")
        // Generated terms are substrings of stored documents: each one matches.
        let generated = try String(contentsOfFile: saved, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(generated.count == 50)
        for text in generated.prefix(10) {
            let count = try fixture.daemon.request("COUNT \(text)")
            #expect(count.isOK && count.final != "OK 0", "\(text): \(count.final)")
        }

        // The same seed gives the same queries; the file runs them again.
        let again = queries.appending("again.txt")
        _ = try fixture.sou([
            "bench", "query", "--generate", "50", "--seed", "7", "--save-queries", again, "--duration", "0.2", "--json",
        ])
        #expect(try String(contentsOfFile: again, encoding: .utf8) == String(contentsOfFile: saved, encoding: .utf8))
        let fromFile = try fixture.sou([
            "--json", "bench", "query", "--queries", saved, "--connections", "1", "--duration", "0.5", "--no-snippet",
            "--limit", "3",
        ])
        #expect(fromFile.status == 0, "\(fromFile.standardError)")
        let fileResult = try #require(jsonObject(fromFile.standardOutput), "\(fromFile.standardOutput)")
        Self.expectSane(fileResult, connections: 1, depth: 1, source: "file")
        #expect(fileResult["snippets"] as? Bool == false)
        #expect(fileResult["limit"] as? Int == 3)
    }

    static func expectSane(_ result: [String: Any], connections: Int, depth: Int, source: String) {
        let completed = result["queries"] as? Int ?? 0
        #expect(completed > 0)
        #expect(result["errors"] as? Int == 0)
        #expect((result["error_codes"] as? [String: Int])?.isEmpty == true)
        #expect(result["qps"] as? Double ?? 0 > 0)
        #expect(result["seconds"] as? Double ?? 0 > 0)
        #expect(result["connections"] as? Int == connections)
        #expect(result["depth"] as? Int == depth)
        #expect(result["source"] as? String == source)
        #expect(result["distinct_queries"] as? Int ?? 0 >= 1)
        let latency = result["latency_ms"] as? [String: Double] ?? [:]
        let ordered = ["min", "p50", "p90", "p99", "p99_9", "max"].map { latency[$0] ?? -1 }
        #expect(ordered.allSatisfy { $0 > 0 }, "\(latency)")
        #expect(ordered == ordered.sorted(), "\(latency)")
        #expect(latency["mean"] ?? 0 > 0)
    }

    @Test func benchIndexCreatesTheNamedIndexAndReportsItInText() async throws {
        let fixture = try await DaemonFixture.start()
        let file = try TemporaryDirectory(prefix: "sou-bench")
        let lines = (0..<20).map { #"{"id":"d\#($0)","body":"大同 bench \#($0)"}"# }
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: file.appending("docs.jsonl"),
            atomically: true,
            encoding: .utf8
        )
        let index = try fixture.sou(["--index", "bench", "bench", "index", file.appending("docs.jsonl")])
        #expect(index.status == 0, "\(index.standardError)")
        for label in [
            "indexed 20 documents (0 failed)", "docs/s", "MB/s", "first searchable", "index size", "peak RSS",
        ] {
            #expect(index.standardOutput.contains(label), "\(label): \(index.standardOutput)")
        }
        let count = try fixture.sou(["--index", "bench", "search", "--json", "大同"])
        #expect(jsonObject(count.standardOutput)?["total"] as? Int == 20)
    }

    /// Queries the daemon refuses are counted by code; the report is printed, then exit 4.
    @Test func queryErrorsAreCountedAndExitFour() async throws {
        let fixture = try await DaemonFixture.start()
        let file = try TemporaryDirectory(prefix: "sou-bench")
        try "大同\n(unclosed\n".write(toFile: file.appending("q.txt"), atomically: true, encoding: .utf8)
        let run = try fixture.sou([
            "bench", "query", "--queries", file.appending("q.txt"), "--connections", "1", "--duration", "0.3", "--json",
        ])
        #expect(run.status == 4, "\(run.standardError)")
        let result = try #require(jsonObject(run.standardOutput), "\(run.standardOutput)")
        let errors = try #require(result["errors"] as? Int)
        #expect(errors > 0)
        #expect(result["queries"] as? Int ?? 0 >= errors)
        #expect(result["error_codes"] as? [String: Int] == ["BAD_QUERY": errors])
        #expect(run.standardError.contains("BAD_QUERY"))
    }

    /// On a terminal both draw a progress line on standard error (which `script` merges in).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func progressLinesOnATerminal() async throws {
        let fixture = try await DaemonFixture.start()
        let sou = "'\(ProcessRunner.executable("sou"))' --socket '\(fixture.socket)'"
        func onTerminal(_ command: String) throws -> String {
            let output = try ProcessRunner.run("/usr/bin/script", ["-qec", command, "/dev/null"])
            #expect(output.status == 0, "\(command): \(output.standardOutput)")
            return output.standardOutput
        }
        let index = try onTerminal("\(sou) bench index '\(Self.seeds)'")
        #expect(index.contains("\r\u{1B}[K[" + String(repeating: "#", count: 24) + "]"), "\(index)")
        #expect(index.contains("first searchable"))
        let query = try onTerminal("\(sou) bench query --generate 20 --duration 0.5")
        #expect(query.contains("\r\u{1B}[K"), "\(query)")
        #expect(query.contains("/0.5 s  "), "\(query)")  // the progress line: elapsed/duration, queries, q/s, errors
        #expect(query.contains("queries/s over 4 connections"), "\(query)")
    }

    @Test func badArgumentsAreUsageErrorsAndAnAbsentDaemonIsUnreachable() async throws {
        let fixture = try await DaemonFixture.start()
        for arguments in [
            ["bench", "query", "--duration", "1"],  // neither --queries nor --generate
            ["bench", "query", "--generate", "5", "--queries", "q.txt"],
            ["bench", "query", "--generate", "0"],
            ["bench", "query", "--generate", "5", "--connections", "0"],
            ["bench", "query", "--generate", "5", "--depth", "0"],
            ["bench", "query", "--generate", "5", "--duration", "0"],
            ["bench", "query", "--generate", "5", "--duration", "soon"],
            ["bench", "query", "--queries", "/no/such/file"],
            ["bench", "index"],
            ["bench", "index", "/no/such/folder"],
            ["bench", "frob"],
        ] {
            let run = try fixture.sou(arguments)
            #expect(run.status == 2, "\(arguments): \(run.standardError)")
            #expect(run.standardOutput.isEmpty, "\(arguments)")
        }
        let empty = try TemporaryDirectory(prefix: "sou-bench")
        try "\n  \n".write(toFile: empty.appending("q.txt"), atomically: true, encoding: .utf8)
        #expect(try fixture.sou(["bench", "query", "--queries", empty.appending("q.txt")]).status == 2)

        let nowhere = fixture.directory.appending("nobody.sock")
        let unreachable = try ProcessRunner.run("sou", ["--socket", nowhere, "bench", "query", "--generate", "5"])
        #expect(unreachable.status == 3, "\(unreachable.standardError)")
        let unreachableIndex = try ProcessRunner.run("sou", ["--socket", nowhere, "bench", "index", Self.seeds])
        #expect(unreachableIndex.status == 3, "\(unreachableIndex.standardError)")
    }
}
