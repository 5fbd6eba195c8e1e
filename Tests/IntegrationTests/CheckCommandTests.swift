import Foundation
import SouTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `soud --check DATA_DIR` and `sou check DATA_DIR`, the real binaries: beside a running
/// daemon, on a stopped one's directory, on a damaged one, with `--json`, and with a path
/// that is no data directory.
@Suite(.offCooperativePool) struct CheckCommandTests {
    @Test func checkReportsCleanAndDamagedDataDirectories() async throws {
        let fixture = try await DaemonFixture.start()
        let data = fixture.daemon.dataDirectory
        let documents = (0..<200).map { #"{"id":"k\#($0)","title":"标题 \#($0 % 4)","body":"大同 教育 word \#($0)"}"# }
        #expect(try fixture.sou(["add"], input: documents.joined(separator: "\n") + "\n").status == 0)
        #expect(try fixture.sou(["commit"]).status == 0)
        #expect(try fixture.sou(["delete", "k3"]).status == 0)
        #expect(try fixture.sou(["commit"]).status == 0)

        // Beside the running daemon: read-only, no lock taken, and the daemon keeps serving.
        let beside = try ProcessRunner.run("soud", ["--check", data])
        #expect(beside.status == 0, "\(beside.standardOutput)\(beside.standardError)")
        #expect(beside.standardOutput.contains("which is running"))
        #expect(try fixture.sou(["ping"]).status == 0)

        fixture.daemon.kill(signal: SIGTERM)
        #expect(await fixture.daemon.waitForExit() == 0, "\(fixture.daemon.log())")
        let clean = try ProcessRunner.run("soud", ["--check", data])
        #expect(clean.status == 0, "\(clean.standardOutput)\(clean.standardError)")
        #expect(clean.standardOutput.contains("index default: generation"))
        #expect(clean.standardOutput.hasSuffix("no problems\n"), "\(clean.standardOutput)")
        let json = try ProcessRunner.run("soud", ["--check", data, "--json"])
        #expect(json.status == 0)
        let object = try #require(jsonObject(json.standardOutput), "\(json.standardOutput)")
        #expect(object["ok"] as? Bool == true)
        let indexes = try #require(object["indexes"] as? [[String: Any]])
        let segments = try #require(indexes.first?["segments"] as? [[String: Any]])
        #expect(segments.reduce(0) { $0 + ($1["documents"] as? Int ?? 0) } == 200)
        #expect(try ProcessRunner.run("sou", ["check", data]).status == 0)

        // One flipped byte in a postings file.
        let index = data + "/default"
        let postings = try #require(
            try FileManager.default.contentsOfDirectory(atPath: index).filter { $0.hasSuffix(".post") }.sorted().first
        )
        var bytes = try #require(FileManager.default.contents(atPath: index + "/" + postings))
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: index + "/" + postings))
        let damaged = try ProcessRunner.run("soud", ["--check", data])
        #expect(damaged.status == 1, "\(damaged.standardOutput)\(damaged.standardError)")
        #expect(damaged.standardOutput.contains("problem: \(postings): checksum mismatch"), "\(damaged.standardOutput)")
        #expect(damaged.standardOutput.contains("FAILED: 1 problem"))
        let damagedJSON = try ProcessRunner.run("sou", ["check", "--json", data])
        #expect(damagedJSON.status == 1)
        let report = try #require(jsonObject(damagedJSON.standardOutput), "\(damagedJSON.standardOutput)")
        #expect(report["ok"] as? Bool == false)
        #expect(report["problem_count"] as? Int == 1)
    }

    @Test func pathThatIsNoDataDirectoryIsAUsageError() throws {
        let directory = try TemporaryDirectory(prefix: "sou-check")
        let missing = directory.appending("missing")
        let soud = try ProcessRunner.run("soud", ["--check", missing])
        #expect(soud.status == 2)
        #expect(soud.standardError.contains("no such directory"), "\(soud.standardError)")
        let sou = try ProcessRunner.run("sou", ["check", directory.path])
        #expect(sou.status == 2)
        #expect(sou.standardError.contains("not a Sou data directory"), "\(sou.standardError)")
        let settings = try ProcessRunner.run("soud", ["--check", directory.path, "--log-level", "debug"])
        #expect(settings.status == 2)
        #expect(settings.standardError.contains("--check takes no settings"))
    }
}
