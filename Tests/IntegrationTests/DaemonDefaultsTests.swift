import Foundation
import SouClient
import SouTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `soud` and `sou` with no configuration: the documented defaults (docs/CONFIGURATION.md).
@Suite(.offCooperativePool) struct DaemonDefaultsTests {
    /// `soud` with no flags serves `$TMPDIR/sou-<uid>.sock` and keeps its data in
    /// `./sou-data` (0700); `sou` finds that socket with no flags either, or through
    /// `$SOU_SOCKET`.
    @Test func noConfigurationUsesTheDocumentedDefaults() async throws {
        let directory = try TemporaryDirectory(prefix: "sou-it")
        let socket = directory.appending("sou-\(getuid()).sock")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessRunner.executable("soud"))
        process.arguments = []
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = directory.path + "/"
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let listening = socket
        try await waitUntil("soud listens on \(socket)") {
            guard let probe = try? SouConnection(socketPath: listening, timeout: .seconds(60)) else { return false }
            probe.close()
            return true
        }
        let client = try SouConnection(socketPath: socket, timeout: .seconds(300))
        #expect(try client.request("PING").final == "OK PONG")
        let data = try FileManager.default.attributesOfItem(atPath: directory.appending("sou-data"))
        #expect((data[.posixPermissions] as? Int) == 0o700)
        let socketAttributes = try FileManager.default.attributesOfItem(atPath: socket)
        #expect((socketAttributes[.posixPermissions] as? Int) == 0o600)

        let viaDefault = try ProcessRunner.run(
            "sou",
            ["add"],
            input: #"{"id":"d1","body":"defaults work"}"# + "\n",
            environment: ["TMPDIR": directory.path, "SOU_SOCKET": nil]
        )
        #expect(viaDefault.status == 0, "\(viaDefault.standardError)")
        let viaEnvironment = try ProcessRunner.run(
            "sou",
            ["get", "d1"],
            environment: ["SOU_SOCKET": socket, "TMPDIR": "/nonexistent"]
        )
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.standardError)")
        #expect(viaEnvironment.standardOutput.contains("defaults work"))
        // --socket wins over $SOU_SOCKET.
        let flagWins = try ProcessRunner.run(
            "sou",
            ["ping", "--socket", socket],
            environment: ["SOU_SOCKET": directory.appending("wrong.sock")]
        )
        #expect(flagWins.status == 0)

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    /// A second daemon on the same data directory (another socket) fails clearly, binds nothing.
    @Test func aLockedDataDirectoryStopsStartup() async throws {
        let fixture = try await DaemonFixture.start()
        let otherSocket = fixture.directory.appending("other.sock")
        let second = try await DaemonProcess.start(
            dataDirectory: fixture.daemon.dataDirectory,
            socket: otherSocket,
            waitForSocket: false
        )
        #expect(await second.waitForExit() == 1)
        #expect(second.log().contains("locked by another process"))
        #expect(!FileManager.default.fileExists(atPath: otherSocket))
        #expect(try fixture.daemon.request("PING").final == "OK PONG")
    }

    /// `sou add FILE…` reads JSON lines from files; `--json` works for every subcommand.
    @Test func addFromFilesAndJSONOutput() async throws {
        let fixture = try await DaemonFixture.start()
        let one = fixture.directory.appending("one.jsonl")
        let two = fixture.directory.appending("two.jsonl")
        try (#"{"id":"f1","body":"from file one"}"# + "\n\n" + #"{"id":"f2","body":"from file one again"}"# + "\n")
            .write(toFile: one, atomically: true, encoding: .utf8)
        try (#"{"id":"f3","title":"标题","body":"from file two\nsecond line"}"# + "\r\n")
            .write(toFile: two, atomically: true, encoding: .utf8)
        let add = try fixture.sou(["add", one, two, "--json"])
        #expect(add.status == 0, "\(add.standardError)")
        #expect(jsonObject(add.standardOutput)?["added"] as? Int == 3)
        #expect(jsonObject(try fixture.sou(["ping", "--json"]).standardOutput) != nil)
        #expect(jsonObject(try fixture.sou(["commit", "--json"]).standardOutput)?["ok"] as? Bool == true)
        #expect(
            jsonObject(try fixture.sou(["get", "f3", "--json"]).standardOutput)?["body"] as? String
                == "from file two\nsecond line"
        )
        #expect(jsonObject(try fixture.sou(["delete", "f1", "--json"]).standardOutput)?["deleted"] as? Int == 1)
        #expect(try fixture.sou(["indexes", "--json"]).standardOutput == "[\"default\"]\n")
        let stats = try fixture.sou(["--json", "stats"])
        #expect(jsonObject(stats.standardOutput)?["index"] as? String == "default")
        let missing = try fixture.sou(["add", fixture.directory.appending("nope.jsonl")])
        #expect(missing.status == 4)
        #expect(missing.standardError.contains("cannot open"))
    }
}
