import Foundation
import SouClient
import SouTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile and broken clients against a real `soud`: each gets ERR or loses only its own
/// connection; the daemon stays up, other clients are unaffected and no acknowledged
/// document is lost.
@Suite(.offCooperativePool) struct BadInputTests {
    /// Writes `count` pipelined ADDs on a fresh connection and checks every reply.
    static func addMany(_ socket: String, prefix: String, count: Int, word: String) throws {
        let connection = try SouConnection(socketPath: socket, timeout: .seconds(300))
        let lines = (0..<count).map { #"ADD {"id":"\#(prefix)\#($0)","body":"\#(word) \#($0)"}"# }
        try connection.write(Array((lines.joined(separator: "\n") + "\n").utf8))
        for index in 0..<count {
            let reply = try connection.readResponse()
            #expect(reply.final == "OK added \(prefix)\(index)")
        }
    }

    @Test func binaryGarbageGetsOneErrPerLineWhileAnotherClientWrites() async throws {
        let fixture = try await DaemonFixture.start(["--max-line-bytes", "4096"])
        let seed = UInt64.random(in: 0...UInt64.max)
        print("seed", seed)
        var random = SplitMix64(seed: seed)
        // Mostly random bytes (NUL, invalid UTF-8, control characters, `\r`), a few long
        // runs without a newline (over the line limit), and newlines in between.
        var garbage: [UInt8] = []
        for _ in 0..<400 {
            let length = Int(random.next() % 300) + (random.next() % 20 == 0 ? 5000 : 0)
            for _ in 0..<length {
                var byte = UInt8(truncatingIfNeeded: random.next())
                if byte == 10 { byte = 0 }
                garbage.append(byte)
            }
            garbage.append(10)
        }
        let lineCount = garbage.filter { $0 == 10 }.count
        let socket = fixture.socket
        async let writer: Void = Self.addMany(socket, prefix: "w", count: 500, word: "steady")

        let connection = try fixture.connect()
        try connection.write(garbage + Array("PING\n".utf8))
        var codes: [String: Int] = [:]
        for index in 0..<lineCount {
            let reply = try connection.readResponse()
            let code = try #require(reply.errorCode, "garbage line \(index) got \(reply.final)")
            codes[code, default: 0] += 1
        }
        print("garbage replies", codes)
        #expect(try connection.readResponse().final == "OK PONG")
        #expect(codes["BAD_UTF8", default: 0] > 0)
        #expect(codes["LINE_TOO_LONG", default: 0] > 0)
        try await writer

        let check = try fixture.connect()
        #expect(try check.request("COMMIT").isOK)
        #expect(try check.request("COUNT steady").final == "OK 500")
    }

    @Test func clientsThatDisconnectMidRequest() async throws {
        let fixture = try await DaemonFixture.start()
        let steady = try fixture.connect()
        #expect(try steady.request(#"ADD {"id":"kept","body":"acknowledged before the chaos"}"#).isOK)
        #expect(try steady.request("CREATE news").isOK)
        #expect(try steady.request("CREATE news2").isOK)

        // Half a document, then gone.
        let cut = try fixture.connect()
        try cut.write(Array(#"ADD {"id":"cut","body":"half a docu"#.utf8))
        cut.close()
        // `DROP news2` cut to `DROP news` by the end of input: refused, not run.
        let truncated = try fixture.connect()
        try truncated.write(Array("PING\nDROP news".utf8))
        truncated.shutdownWrite()
        #expect(try truncated.readResponse().final == "OK PONG")
        #expect(try truncated.readResponse().errorCode == "SYNTAX")
        #expect(try truncated.readLine() == nil)
        // Many requests in flight, then gone before reading any reply.
        for round in 0..<5 {
            let impatient = try fixture.connect()
            var lines = (0..<200).map { #"ADD {"id":"gone\#(round)-\#($0)","body":"maybe"}"# }
            lines += (0..<200).map { _ in "SEARCH limit=50 fields=* maybe OR acknowledged" }
            try impatient.write(Array((lines.joined(separator: "\n") + "\n").utf8))
            impatient.close()
        }

        #expect(try steady.request("PING").final == "OK PONG")
        #expect(try steady.request("COMMIT").isOK)
        #expect(try steady.request("GET kept").isOK)
        #expect(try steady.request("GET cut").errorCode == "NOT_FOUND")
        #expect(try steady.request("INDEXES").lines == ["INDEX default", "INDEX news", "INDEX news2"])
        #expect(try fixture.connect().request("COUNT acknowledged").final == "OK 1")
        #expect(fixture.daemon.isRunning)
    }

    /// A client that writes requests and never reads: the daemon stops reading from it
    /// (bounded memory) and keeps serving everyone else.
    @Test func clientThatNeverReadsItsRepliesDoesNotHoldUpOthers() async throws {
        let fixture = try await DaemonFixture.start()
        let steady = try fixture.connect()
        for index in 0..<50 {
            #expect(try steady.request(#"ADD {"id":"n\#(index)","body":"大同 reader \#(index)"}"#).isOK)
        }
        #expect(try steady.request("COMMIT").isOK)
        let before = residentBytes(fixture.daemon.pid)

        let hog = try fixture.connect(timeout: .seconds(2))
        let chunk = Array(String(repeating: "SEARCH limit=50 fields=* 大同 OR reader\n", count: 1000).utf8)
        var written = 0
        var blocked = false
        while written < 256 << 20 {
            do {
                try hog.write(chunk)
                written += chunk.count
            } catch {
                blocked = true  // the send timed out: the daemon stopped reading
                break
            }
        }
        print("the hog wrote \(written) bytes before blocking")
        #expect(blocked, "the daemon kept reading from a client that never reads")

        // Everyone else is still served (each reply within the connection's hang guard).
        #expect(try steady.request("PING").final == "OK PONG")
        #expect(try steady.request(#"ADD {"id":"late","body":"大同 after the hog"}"#).isOK)
        #expect(try steady.request("COMMIT").isOK)
        #expect(try fixture.connect().request("COUNT 大同").final == "OK 51")
        let after = residentBytes(fixture.daemon.pid)
        if let before, let after {
            print("daemon resident memory \(before >> 20) MiB → \(after >> 20) MiB")
            #expect(after - before < 200 << 20)
        }
        hog.close()
        #expect(try steady.request("PING").final == "OK PONG")
    }

    @Test func queryTimeoutIsAnErrAndTheConnectionStaysUsable() async throws {
        let fixture = try await DaemonFixture.start(["--query-timeout-ms", "1", "--durability", "none"])
        try Self.addMany(fixture.socket, prefix: "t", count: 5000, word: "alpha beta gamma")
        let connection = try fixture.connect()
        #expect(try connection.request("COMMIT").isOK)
        let slow = try connection.request(#"COUNT "alpha beta gamma" OR alpha OR beta"#)
        #expect(slow.errorCode == "TIMEOUT", "\(slow)")
        #expect(slow.message.contains("timeout"))
        #expect(try connection.request("SEARCH limit=5 alpha OR beta OR gamma").errorCode == "TIMEOUT")
        #expect(try connection.request("PING").final == "OK PONG")
        #expect(try connection.request("COUNT nosuchword").final == "OK 0")
        #expect(try connection.request("GET t4999").isOK)
    }

    @Test func limitsAnswerErrAndKeepTheConnection() async throws {
        let fixture = try await DaemonFixture.start([
            "--max-line-bytes", "200", "--max-document-bytes", "100", "--max-results", "5", "--max-connections", "2",
        ])
        let connection = try fixture.connect()
        let large = #"ADD {"id":"big","body":""# + String(repeating: "z", count: 120) + #""}"#
        let tooLarge = try connection.request(large)
        #expect(tooLarge.errorCode == "DOC_TOO_LARGE")
        #expect(tooLarge.message.contains("100"))
        #expect(try connection.request(#"ADD {"id":"small","body":"fits"}"#).isOK)
        #expect(try connection.request("COMMIT").isOK)  // GET below must not race the refresh timer
        let tooMany = try connection.request("SEARCH limit=6 fits")
        #expect(tooMany.errorCode == "LIMIT")
        #expect(tooMany.message.contains("5"))
        #expect(try connection.request("SEARCH limit=5 fits").isOK)
        try connection.send(String(repeating: "w", count: 201))
        let tooLong = try connection.readResponse()
        #expect(tooLong.errorCode == "LINE_TOO_LONG")
        #expect(tooLong.message.contains("200"))
        #expect(try connection.request("GET small").isOK)

        // Connections: the third is refused with BUSY; once one closes there is room again.
        let second = try fixture.connect()
        #expect(try second.request("PING").isOK)
        let third = try fixture.connect()
        let busy = try third.readResponse()
        #expect(busy.errorCode == "BUSY")
        #expect(busy.message.contains("2"))
        #expect(try third.readLine() == nil)
        second.close()
        // Admitted again once the daemon has seen the close: an event, awaited with a hang guard.
        let socket = fixture.socket
        try await waitUntil("a connection is admitted after one closed") {
            let next = try SouConnection(socketPath: socket, timeout: .seconds(300))
            return (try? next.request("PING").final) == "OK PONG"
        }
        #expect(try connection.request("PING").final == "OK PONG")
    }
}

/// The resident memory of process `pid` in bytes (Linux), or nil.
func residentBytes(_ pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
    let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first
    return kilobytes.map { $0 * 1024 }
}
