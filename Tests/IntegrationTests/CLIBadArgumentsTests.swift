import Foundation
import SouTestSupport
import Testing

/// `sou` given directories where it expects files, and arguments that would not stay one
/// protocol word: documented exit codes, no crash, and the index left as it was.
@Suite(.offCooperativePool) struct CLIBadArgumentsTests {
    /// Every document id in the default index, by searching the word all test documents share.
    static func ids(_ fixture: DaemonFixture) throws -> Set<String> {
        let search = try fixture.sou(["search", "--json", "--limit", "1000", "--no-snippet", "shared"])
        let hits = jsonObject(search.standardOutput)?["hits"] as? [[String: Any]] ?? []
        return Set(hits.compactMap { $0["id"] as? String })
    }

    /// A directory inside an indexed folder is walked as a folder, never read as a file, even
    /// when its name ends in .jsonl, .txt or .md.
    @Test func directoriesNamedLikeFilesInAFolder() async throws {
        let fixture = try await DaemonFixture.start()
        let folder = try TemporaryDirectory(prefix: "sou-docs")
        for name in ["x.jsonl", "y.txt", "z.md"] {
            try FileManager.default.createDirectory(atPath: folder.appending(name), withIntermediateDirectories: true)
        }
        try "inner shared text\n".write(toFile: folder.appending("y.txt/inner.txt"), atomically: true, encoding: .utf8)
        try #"{"id":"j1","body":"shared jsonl"}"#.appending("\n")
            .write(toFile: folder.appending("x.jsonl/inside.jsonl"), atomically: true, encoding: .utf8)
        try "top shared\n".write(toFile: folder.appending("top.md"), atomically: true, encoding: .utf8)
        let index = try fixture.sou(["index", folder.path])
        #expect(index.status == 0, "\(index.standardError)")
        #expect(index.standardError.contains("3 documents added, 0 failed"), "\(index.standardError)")
        #expect(try Self.ids(fixture) == ["y.txt/inner.txt", "j1", "top.md"])

        // A folder whose own name ends in .jsonl, given at the top, is a folder too.
        let named = try TemporaryDirectory(prefix: "sou-docs")
        try FileManager.default.createDirectory(
            atPath: named.appending("f.jsonl/g.md"),
            withIntermediateDirectories: true
        )
        try "second shared\n".write(toFile: named.appending("f.jsonl/g.md/h.txt"), atomically: true, encoding: .utf8)
        let top = try fixture.sou(["index", named.appending("f.jsonl")])
        #expect(top.status == 0, "\(top.standardError)")
        #expect(top.standardError.contains("1 documents added, 0 failed"), "\(top.standardError)")
        #expect(try Self.ids(fixture) == ["y.txt/inner.txt", "j1", "top.md", "g.md/h.txt"])
    }

    /// `sou add DIR` is a usage error, refused before anything is sent.
    @Test func addADirectory() async throws {
        let fixture = try await DaemonFixture.start()
        let folder = try TemporaryDirectory(prefix: "sou-docs")
        try FileManager.default.createDirectory(atPath: folder.appending("d.jsonl"), withIntermediateDirectories: true)
        let good = folder.appending("good.jsonl")
        try #"{"id":"g1","body":"shared good"}"#.appending("\n").write(toFile: good, atomically: true, encoding: .utf8)
        for arguments in [["add", folder.path], ["add", good, folder.appending("d.jsonl")]] {
            let add = try fixture.sou(arguments)
            #expect(add.status == 2, "\(arguments): \(add.status) \(add.standardError)")
            #expect(add.standardError.contains("is a directory"), "\(add.standardError)")
        }
        #expect(try fixture.sou(["commit"]).status == 0)
        #expect(try Self.ids(fixture).isEmpty)
        // Standard input that is a directory is reported, not a crash.
        let stdinDirectory = try ProcessRunner.run(
            "/bin/sh",
            [
                "-c", "exec \"$0\" --socket \"$1\" add < \"$2\"", ProcessRunner.executable("sou"), fixture.socket,
                folder.path,
            ]
        )
        #expect([2, 4].contains(stdinDirectory.status), "\(stdinDirectory.status) \(stdinDirectory.standardError)")
        #expect(stdinDirectory.standardError.contains("standard input"), "\(stdinDirectory.standardError)")
    }

    /// Ids, index names and field names that would not be one protocol word are refused with
    /// exit status 2 before connecting: nothing is deleted, nothing else is searched.
    @Test func argumentsThatAreNotOneWord() async throws {
        let fixture = try await DaemonFixture.start()
        let documents = ["ca", "cb", "a", "b", "x", "y"].map {
            #"{"id":"\#($0)","title":"t \#($0)","body":"shared body \#($0)"}"#
        }
        #expect(try fixture.sou(["add"], input: documents.joined(separator: "\n") + "\n").status == 0)
        let all: Set<String> = ["ca", "cb", "a", "b", "x", "y"]
        #expect(try Self.ids(fixture) == all)

        for arguments in [
            ["delete", "ca cb"], ["delete", "a b"], ["delete", "a\tb"], ["delete", "x", "a b"],
            ["delete", "a\u{3000}b"], ["delete", "a\u{7}"], ["delete", ""], ["get", "x y"], ["get", "a\tb"],
            ["get", ""],
            ["search", "--fields", "title body", "shared"], ["search", "--fields", "title limit=0", "shared"],
            ["search", "--fields", "title,", "shared"], ["search", "--fields", "", "shared"],
            ["search", "--fields", "a=b", "shared"], ["--index", "a b", "ping"], ["--index", "", "ping"],
            ["--index", "a\tb", "search", "shared"],
        ] {
            let output = try fixture.sou(arguments)
            #expect(output.status == 2, "\(arguments): \(output.status) \(output.standardError)")
            #expect(output.standardOutput.isEmpty, "\(arguments): \(output.standardOutput)")
            #expect(!output.standardError.contains("SYNTAX"), "\(arguments): \(output.standardError)")
        }
        #expect(try fixture.sou(["commit"]).status == 0)
        #expect(try Self.ids(fixture) == all)
        let stats = try fixture.sou(["stats", "--json"])
        #expect(jsonObject(stats.standardOutput)?["documents"] as? Int == all.count)

        // Valid arguments still work.
        let fields = try fixture.sou(["search", "--json", "--fields", "title,body", "--limit", "1", "body", "x"])
        #expect(fields.status == 0, "\(fields.standardError)")
        let hit = (jsonObject(fields.standardOutput)?["hits"] as? [[String: Any]])?.first
        #expect((hit?["fields"] as? [String: Any])?["title"] as? String == "t x")
        #expect(try fixture.sou(["get", "x"]).status == 0)
        let delete = try fixture.sou(["delete", "a", "b"])
        #expect(delete.standardOutput == "2 deleted\n", "\(delete.standardError)")
    }
}
