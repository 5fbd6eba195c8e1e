import Foundation
import SouClient
import SouTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Starting and stopping `soud`: socket files, modes, signals.
@Suite(.offCooperativePool) struct DaemonLifecycleTests {
    @Test func socketModeIs0600AndDataDirectory0700() async throws {
        let fixture = try await DaemonFixture.start()
        let socketAttributes = try FileManager.default.attributesOfItem(atPath: fixture.socket)
        #expect((socketAttributes[.posixPermissions] as? Int) == 0o600)
        let dataAttributes = try FileManager.default.attributesOfItem(atPath: fixture.daemon.dataDirectory)
        #expect((dataAttributes[.posixPermissions] as? Int) == 0o700)
    }

    @Test func socketModeIsConfigurable() async throws {
        let fixture = try await DaemonFixture.start(["--socket-mode", "0660"])
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.socket)
        #expect((attributes[.posixPermissions] as? Int) == 0o660)
    }

    @Test func sigtermExitsZeroAndRemovesTheSocket() async throws {
        let fixture = try await DaemonFixture.start()
        let idle = try fixture.connect()
        #expect(try idle.request(#"ADD {"id":"t1","body":"kept"}"#).isOK)
        fixture.daemon.kill(signal: SIGTERM)
        #expect(await fixture.daemon.waitForExit() == 0, "\(fixture.daemon.log())")
        #expect(try idle.readLine() == nil)
        #expect(!FileManager.default.fileExists(atPath: fixture.socket))
        // The acknowledged document survives a restart.
        let again = try await DaemonProcess.start(
            dataDirectory: fixture.daemon.dataDirectory,
            socket: fixture.socket
        )
        #expect(try again.request("GET t1").isOK)
        again.kill(signal: SIGINT)
        #expect(await again.waitForExit() == 0, "\(again.log())")
    }

    /// SIGTERM while clients keep connecting: a connection accepted as the listening socket
    /// closes is closed unserved, and the daemon still exits 0 (it used to trap in SwiftNIO,
    /// "Deinited NIOAsyncWriter without calling finish()", in most rounds).
    @Test func sigtermWhileClientsKeepConnectingExitsZero() async throws {
        for _ in 0..<3 {
            let fixture = try await DaemonFixture.start()
            let socket = fixture.socket
            let stop = StopFlag()
            let connectors = (0..<4).map { _ in
                Thread {
                    while !stop.value.load(ordering: .relaxed) {
                        (try? SouConnection(socketPath: socket, timeout: .seconds(5)))?.close()
                    }
                }
            }
            for connector in connectors { connector.start() }
            try await Task.sleep(for: .milliseconds(300))
            fixture.daemon.kill(signal: SIGTERM)
            let status = await fixture.daemon.waitForExit()
            stop.value.store(true, ordering: .relaxed)
            #expect(status == 0, "\(fixture.daemon.log())")
        }
    }

    /// Requests already read when SIGTERM arrives are answered; every acknowledged document
    /// is there after a restart.
    @Test func sigtermDuringPipelinedWritesLosesNothingAcknowledged() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        let lines = (0..<2000).map { #"ADD {"id":"s\#($0)","body":"shutdown test"}"# }
        try connection.write(Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(try connection.readResponse().final == "OK added s0")
        fixture.daemon.kill(signal: SIGTERM)
        var acknowledged = ["s0"]
        while let response = try? connection.readResponse() {
            #expect(response.isOK || response.errorCode == "SHUTTING_DOWN", "\(response)")
            if response.isOK { acknowledged.append(String(response.final.dropFirst("OK added ".count))) }
        }
        #expect(await fixture.daemon.waitForExit() == 0, "\(fixture.daemon.log())")
        let again = try await DaemonProcess.start(dataDirectory: fixture.daemon.dataDirectory, socket: fixture.socket)
        let check = try again.connect()
        for id in acknowledged {
            #expect(try check.request("GET \(id)").isOK, "\(id) was acknowledged but is missing")
        }
    }

    /// A daemon with long query and shutdown timeouts holding 25 documents of about 100 KB
    /// (a `SEARCH limit=25 snippet=off fields=* lorem` reply is about 2.5 MB: more than the
    /// socket and the write buffer hold), and the connection that loaded them.
    static func daemonWithLargeDocuments() async throws -> (DaemonFixture, SouConnection) {
        let fixture = try await DaemonFixture.start(["--shutdown-timeout-ms", "20000", "--query-timeout-ms", "60000"])
        let loader = try fixture.connect()
        let filler = String(repeating: "lorem ipsum dolor ", count: 5_600)
        let adds = (0..<25).map { #"ADD {"id":"b\#($0)","body":"\#(filler)"}"# }
        try loader.write(Array((adds.joined(separator: "\n") + "\nCOMMIT\n").utf8))
        for _ in 0...adds.count { #expect(try loader.readResponse().isOK) }
        return (fixture, loader)
    }

    /// Waits until `count` requests have started since `STATS` said `before` (the
    /// daemon-wide counter also counts each `STATS` asked here).
    /// - Returns: whether they did before the 10-minute hang guard.
    static func waitForRequests(_ count: Int, after before: Int, on connection: SouConnection) async throws -> Bool {
        try await waitForCounter("requests", count, after: before, on: connection)
    }

    /// Waits until the daemon-wide counter `name` (`requests`: started, `requests_received`:
    /// read off a socket) has grown by `count` since `STATS` said `before`; both also count
    /// each `STATS` asked here. An event, awaited with a hang guard only.
    /// - Returns: whether it did before the 10-minute hang guard.
    static func waitForCounter(
        _ name: String,
        _ count: Int,
        after before: Int,
        on connection: SouConnection
    ) async throws -> Bool {
        let hangGuard = ContinuousClock.now + .seconds(600)
        var polls = 0
        while ContinuousClock.now < hangGuard {
            if try ReplyBackpressureTests.counter(name, connection) >= before + polls + 1 + count { return true }
            polls += 1
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Requests the daemon read in separate batches while a request was running (here: a
    /// search stuck writing to a client that does not read yet) are each answered
    /// `SHUTTING_DOWN` after SIGTERM and not run; they used to get no reply at all.
    @Test(arguments: [false, true])
    func batchesReadBeforeSigtermAreAnsweredNotRun(halfClose: Bool) async throws {
        let (fixture, loader) = try await Self.daemonWithLargeDocuments()

        let client = try fixture.connect()
        // About 2.5 MB of reply each: the first fills the socket and the write buffer, so the
        // second (same batch) and everything read later wait for this client to read.
        let before = try ReplyBackpressureTests.requestCount(loader)
        try client.write(Array(String(repeating: "SEARCH limit=25 snippet=off fields=* lorem\n", count: 3).utf8))
        // The first search has started.
        #expect(try await Self.waitForRequests(1, after: before, on: loader))
        // PING and ADD are each read (in a batch of its own) before the signal: events.
        var received = try ReplyBackpressureTests.counter("requests_received", loader)
        try client.send("PING")
        #expect(try await Self.waitForCounter("requests_received", 1, after: received, on: loader))
        received = try ReplyBackpressureTests.counter("requests_received", loader)
        try client.send(#"ADD {"id":"late","body":"sent before the signal"}"#)
        #expect(try await Self.waitForCounter("requests_received", 1, after: received, on: loader))
        // A client that half-closes (printf … | socat) is answered the same way.
        if halfClose { client.shutdownWrite() }
        fixture.daemon.kill(signal: SIGTERM)

        var finals: [String] = []
        while true {
            do {
                let response = try client.readResponse()
                finals.append(response.errorCode ?? response.final)
            } catch {
                finals.append("\(error)")
                break
            }
        }
        // The batch of searches: the first one or two ran (the second runs while the first
        // reply waits in the write buffer), the rest were not started. Then PING and ADD,
        // read in later batches: answered, not run. Then the end of the connection.
        #expect(finals.count == 6, "\(finals)")
        let searches = finals.prefix(3)
        let ran = searches.prefix { $0.hasPrefix("OK hits=25 ") }.count
        #expect((1...2).contains(ran), "\(finals)")
        #expect(searches.dropFirst(ran).allSatisfy { $0 == "SHUTTING_DOWN" }, "\(finals)")
        #expect(Array(finals.dropFirst(3).prefix(2)) == ["SHUTTING_DOWN", "SHUTTING_DOWN"], "\(finals)")
        #expect(await fixture.daemon.waitForExit() == 0, "\(fixture.daemon.log())")
        let again = try await DaemonProcess.start(dataDirectory: fixture.daemon.dataDirectory, socket: fixture.socket)
        #expect(try again.request("GET late").errorCode == "NOT_FOUND")
        #expect(try again.request("COUNT lorem").final == "OK 25")
        again.kill(signal: SIGTERM)
        #expect(await again.waitForExit() == 0)
    }

    /// A QUIT whose `OK bye` waits for the client when SIGTERM comes: nothing follows it.
    @Test func quitRacingSigtermEndsWithOKBye() async throws {
        let (fixture, loader) = try await Self.daemonWithLargeDocuments()
        let client = try fixture.connect()
        let before = try ReplyBackpressureTests.requestCount(loader)
        try client.write(Array("SEARCH limit=25 snippet=off fields=* lorem\nQUIT\n".utf8))
        #expect(try await Self.waitForRequests(2, after: before, on: loader))  // the search and QUIT ran
        try client.send("PING")
        // Gives the daemon time to read the PING, so the race is usually exercised; the
        // outcome must be the same either way (nothing after `OK bye`), so no assertion
        // depends on this pause.
        try await Task.sleep(for: .milliseconds(500))
        fixture.daemon.kill(signal: SIGTERM)
        var finals: [String] = []
        while let response = try? client.readResponse() { finals.append(response.errorCode ?? response.final) }
        #expect(finals.count == 2 && finals.first?.hasPrefix("OK hits=25 ") == true, "\(finals)")
        #expect(finals.last == "OK bye", "\(finals)")
        #expect(await fixture.daemon.waitForExit() == 0, "\(fixture.daemon.log())")
    }

    /// SIGTERM with an idle client, a client that never reads its replies, and a client
    /// streaming writes: exit 0 (after at most the shutdown timeout), and after a restart
    /// the index holds exactly the documents that were acknowledged.
    @Test func sigtermWithBusyIdleAndStuckClientsKeepsTheIndexIntact() async throws {
        let fixture = try await DaemonFixture.start(["--shutdown-timeout-ms", "2000"])
        let loader = try fixture.connect()
        let first = (0..<300).map { #"ADD {"id":"k\#($0)","body":"before shutdown \#($0)"}"# }
        try loader.write(Array((first.joined(separator: "\n") + "\nCOMMIT\n").utf8))
        for _ in 0...first.count { #expect(try loader.readResponse().isOK) }
        var acknowledged = Set((0..<300).map { "k\($0)" })

        let idle = try fixture.connect()
        #expect(try idle.request("PING").isOK)
        let stuck = try fixture.connect(timeout: .seconds(1))
        let chunk = Array(String(repeating: "SEARCH limit=100 fields=* before OR shutdown\n", count: 500).utf8)
        while (try? stuck.write(chunk)) != nil {}
        let streamer = try fixture.connect()
        let more = (0..<3000).map { #"ADD {"id":"m\#($0)","body":"during shutdown"}"# }
        try streamer.write(Array((more.joined(separator: "\n") + "\n").utf8))
        #expect(try streamer.readResponse().final == "OK added m0")
        acknowledged.insert("m0")

        fixture.daemon.kill(signal: SIGTERM)
        while let response = try? streamer.readResponse() {
            #expect(response.isOK || response.errorCode == "SHUTTING_DOWN", "\(response)")
            if response.isOK { acknowledged.insert(String(response.final.dropFirst("OK added ".count))) }
        }
        #expect(await fixture.daemon.waitForExit() == 0, "\(fixture.daemon.log())")
        // Neither the stuck client nor its pipelined searches hold the daemon up: requests
        // not started get SHUTTING_DOWN, and after the 2 s shutdown timeout every remaining
        // connection is closed. Without that timeout the stuck client (which never reads)
        // would keep the daemon from ever stopping, so the bound below is a hang guard, read
        // from the daemon's own log (this test process may be starved on a loaded machine).
        let log = fixture.daemon.log()
        let stopping = try #require(logTime(log, containing: "shutting down"), "\(log)")
        let stopped = try #require(logTime(log, containing: "soud stopped"), "\(log)")
        #expect(stopped.timeIntervalSince(stopping) <= 120, "\(log)")
        #expect(try idle.readLine() == nil)
        #expect(!FileManager.default.fileExists(atPath: fixture.socket))

        let again = try await DaemonProcess.start(dataDirectory: fixture.daemon.dataDirectory, socket: fixture.socket)
        let check = try again.connect()
        #expect(try check.request("COMMIT").isOK)
        let count = try check.request("COUNT shutdown")
        let documents = Int(count.message) ?? -1
        // Acknowledged documents are all there; a few more may have been applied whose
        // replies never reached the client.
        #expect(documents >= acknowledged.count && documents <= first.count + more.count, "\(count)")
        let gets = acknowledged.sorted().map { "GET \($0)" }
        try check.write(Array((gets.joined(separator: "\n") + "\n").utf8))
        for id in acknowledged.sorted() {
            #expect(try check.readResponse().isOK, "\(id) was acknowledged but is missing")
        }
        #expect(try check.request("COUNT before").final == "OK 300")
        again.kill(signal: SIGTERM)
        #expect(await again.waitForExit() == 0, "\(again.log())")
    }

    @Test func secondDaemonOnALiveSocketFailsClearly() async throws {
        let fixture = try await DaemonFixture.start()
        let other = try TemporaryDirectory(prefix: "sou-it2")
        let second = try await DaemonProcess.start(
            dataDirectory: other.appending("data"),
            socket: fixture.socket,
            waitForSocket: false
        )
        let status = await second.waitForExit()
        #expect(status != 0)
        #expect(second.log().contains("another soud is already serving"))
        #expect(try fixture.daemon.request("PING").final == "OK PONG")
    }

    @Test func staleSocketIsReplaced() async throws {
        let directory = try TemporaryDirectory(prefix: "sou-it")
        let socket = directory.appending("s.sock")
        let first = try await DaemonProcess.start(dataDirectory: directory.appending("data"), socket: socket)
        first.kill(signal: SIGKILL)
        _ = await first.waitForExit()
        #expect(FileManager.default.fileExists(atPath: socket))
        let second = try await DaemonProcess.start(dataDirectory: directory.appending("data"), socket: socket)
        #expect(try second.request("PING").final == "OK PONG")
    }

    @Test func aFileThatIsNotASocketIsLeftAlone() async throws {
        let directory = try TemporaryDirectory(prefix: "sou-it")
        let path = directory.appending("s.sock")
        _ = FileManager.default.createFile(atPath: path, contents: Data("keep me".utf8))
        let daemon = try await DaemonProcess.start(
            dataDirectory: directory.appending("data"),
            socket: path,
            waitForSocket: false
        )
        #expect(await daemon.waitForExit() != 0)
        #expect(daemon.log().contains("is not a socket"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }

    /// With `--writer-uid` set to another uid, every write command is FORBIDDEN (alone, in a
    /// pipelined batch, in JSON mode) and nothing is written; reads still work.
    @Test func writerAllowlistRefusesOtherUids() async throws {
        let directory = try TemporaryDirectory(prefix: "sou-it")
        let data = directory.appending("data")
        let socket = directory.appending("s.sock")
        let open = try await DaemonProcess.start(dataDirectory: data, socket: socket)
        #expect(try open.request(#"ADD {"id":"x","body":"present"}"#).isOK)
        open.kill(signal: SIGTERM)
        #expect(await open.waitForExit() == 0, "\(open.log())")

        let guarded = try await DaemonProcess.start(
            dataDirectory: data,
            socket: socket,
            extraArguments: ["--writer-uid", String(getuid() &+ 1)]
        )
        let connection = try guarded.connect()
        let writes = [
            #"ADD {"id":"y","body":"present"}"#, #"UPSERT {"id":"x","body":"replaced"}"#, "DELETE x", "COMMIT",
            "CREATE news", "DROP default",
        ]
        for write in writes {
            let reply = try connection.request(write)
            #expect(reply.errorCode == "FORBIDDEN", "\(write): \(reply)")
            #expect(reply.message.contains("uid \(getuid())"))
        }
        let batch = (0..<20).map { #"ADD {"id":"b\#($0)","body":"present"}"# }
        try connection.write(Array((batch.joined(separator: "\n") + "\n").utf8))
        for _ in batch { #expect(try connection.readResponse().errorCode == "FORBIDDEN") }
        #expect(try connection.request("JSON ON").isOK)
        #expect(try connection.request("DELETE x").errorCode == "FORBIDDEN")
        #expect(try connection.request("JSON OFF").isOK)
        #expect(try connection.request("COUNT present").final == "OK 1")
        #expect(try connection.request("GET x").lines == [#"DOC {"id":"x","body":"present"}"#])
        #expect(try connection.request("INDEXES").lines == ["INDEX default"])
        #expect(try connection.request("SEARCH present").isOK)
        #expect(try connection.request("STATS").isOK)
        #expect(try connection.request("USE default").isOK)

        let allowed = try await DaemonFixture.start([
            "--writer-uid", String(getuid() &+ 1), "--writer-uid", String(getuid()),
        ])
        let writer = try allowed.connect()
        #expect(try writer.request(#"ADD {"id":"x"}"#).isOK)
        #expect(try writer.request("CREATE news").isOK)
        #expect(try writer.request("DROP news").isOK)
    }

    /// SO_PEERCRED reads the real peer uid: as root, a client running as `nobody` (through
    /// setpriv and socat, on a 0666 socket) may read but not write, while root may write.
    @Test(
        .enabled(
            if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
                && FileManager.default.isExecutableFile(atPath: "/usr/bin/socat")
        )
    )
    func peerCredentialsAreTheClientsRealUid() async throws {
        let fixture = try await DaemonFixture.start(["--writer-uid", "0", "--socket-mode", "0666"])
        chmod(fixture.directory.path, 0o755)
        let nobody: UInt32 = 65534
        func asNobody(_ input: String) throws -> ProcessRunner.Output {
            try ProcessRunner.run(
                "/usr/bin/setpriv",
                [
                    "--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", "/usr/bin/socat", "-t", "5", "-",
                    "UNIX-CONNECT:\(fixture.socket)",
                ],
                input: input
            )
        }
        let refused = try asNobody(#"ADD {"id":"n1","body":"from nobody"}"# + "\nCOUNT nobody\n")
        #expect(refused.status == 0, "\(refused.standardError)")
        #expect(refused.standardOutput == "ERR FORBIDDEN uid \(nobody) may not run write commands\nOK 0\n")
        let root = try fixture.connect()
        #expect(try root.request(#"ADD {"id":"r1","body":"from root"}"#).isOK)
    }

    /// An existing data directory with looser permissions is tightened to 0700.
    @Test func existingDataDirectoryBecomes0700() async throws {
        let directory = try TemporaryDirectory(prefix: "sou-it")
        let data = directory.appending("data")
        try FileManager.default.createDirectory(
            atPath: data,
            withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o755]
        )
        let daemon = try await DaemonProcess.start(dataDirectory: data, socket: directory.appending("s.sock"))
        let attributes = try FileManager.default.attributesOfItem(atPath: data)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect(try daemon.request("PING").isOK)
    }

    @Test func configFileIsRead() async throws {
        let directory = try TemporaryDirectory(prefix: "sou-it")
        let config = directory.appending("soud.toml")
        try "max_results = 7\nsocket_mode = \"0640\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess.start(
            dataDirectory: directory.appending("data"),
            socket: directory.appending("s.sock"),
            extraArguments: ["--config", config]
        )
        #expect(try daemon.request("SEARCH limit=8 x").errorCode == "LIMIT")
        let attributes = try FileManager.default.attributesOfItem(atPath: daemon.socketPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
    }

    @Test func badConfigurationIsAUsageError() throws {
        let output = try ProcessRunner.run("soud", ["--durability", "sometimes", "--socket", "/tmp/unused-sou.sock"])
        #expect(output.status != 0)
        #expect(output.standardError.contains("durability"))
    }
}

/// The timestamp of the first log line containing `text` (swift-log's `StreamLogHandler`
/// format, whole seconds).
func logTime(_ log: String, containing text: String) -> Date? {
    guard let line = log.split(separator: "\n").first(where: { $0.contains(text) }) else { return nil }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZ"
    return formatter.date(from: String(line.prefix(24)))
}

/// A flag the connecting threads of a test poll.
private final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
