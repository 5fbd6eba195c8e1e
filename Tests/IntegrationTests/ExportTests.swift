import Foundation
import SouClient
import SouTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `EXPORT` and `sou export` against a real `soud`: the exported set is exactly the live
/// set of one point in time, it round-trips through `sou add`/`sou index`, the bulk format
/// is what Elasticsearch's `_bulk` reads, and a cut-off stream is detected.
@Suite(.offCooperativePool) struct ExportTests {
    typealias Fields = [String: String]

    /// Values that need every JSON escape, and Chinese text for the analyzer.
    static let tricky = "line one\nline two\t\"quoted\" back\\slash 🎉 ＡＢＣ 大同市的教育\u{2028}end"

    /// Reads one `EXPORT` reply: the documents by id (each id once) and the final line.
    static func export(
        _ connection: SouConnection
    ) throws -> (documents: [String: Fields], lines: [String], final: String) {
        let reply = try connection.request("EXPORT")
        var documents: [String: Fields] = [:]
        for line in reply.lines {
            #expect(line.hasPrefix("DOC "), "\(line.prefix(80))")
            let object = try #require(jsonObject(String(line.dropFirst(4))) as? [String: String])
            let id = try #require(object["id"])
            #expect(documents[id] == nil, "\(id) exported twice")
            documents[id] = object.filter { $0.key != "id" }
        }
        return (documents, reply.lines, reply.final)
    }

    static func addLine(_ id: String, _ fields: Fields) -> String {
        let object = fields.merging(["id": id]) { a, _ in a }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return "ADD " + String(decoding: data, as: UTF8.self)
    }

    /// Sends the lines pipelined and expects every reply to be OK.
    static func run(_ lines: [String], on connection: SouConnection) throws {
        try connection.write(Array((lines.joined(separator: "\n") + "\n").utf8))
        for line in lines {
            let reply = try connection.readResponse()
            #expect(reply.isOK, "\(line.prefix(60)): \(reply.final)")
        }
    }

    /// Chinese and English documents over several commits (segments), with upserts that
    /// change field values and add fields, and deletes of old and new documents.
    static func load(_ connection: SouConnection) throws -> [String: Fields] {
        var live: [String: Fields] = [:]
        var lines: [String] = []
        func add(_ id: String, _ fields: Fields) {
            live[id] = fields
            lines.append(addLine(id, fields))
        }
        func delete(_ ids: [String]) {
            for id in ids { live[id] = nil }
            lines.append("DELETE " + ids.joined(separator: " "))
        }
        for round in 0..<4 {
            for n in 0..<40 {
                let id = "r\(round)-\(n)"
                if n % 2 == 0 {
                    add(id, ["title": "大同 第\(n)篇", "body": "大同市的教育发展 round \(round) number \(n)"])
                } else {
                    add(id, ["title": "English \(n)", "body": "hello world \(n) education in Datong", "lang": "en"])
                }
            }
            // Upserts of documents of earlier segments (new values, a new field) and deletes.
            if round > 0 {
                for n in stride(from: 0, to: 40, by: 5) {
                    add(
                        "r\(round - 1)-\(n)",
                        ["title": "更新 \(round)", "body": "upserted 大同 \(n)", "extra": "x\(round)"]
                    )
                }
                delete(["r\(round - 1)-3", "r\(round - 1)-7", "r\(round)-11", "missing-\(round)"])
            }
            lines.append("COMMIT")
        }
        add(#"q"uote\id"#, ["title": "tricky", "body": tricky])
        add("upserted-twice", ["body": "first"])
        add("upserted-twice", ["body": "second 教育"])
        lines.append("COMMIT")
        try run(lines, on: connection)
        return live
    }

    @Test func exportIsExactlyTheLiveSetWithIdenticalValues() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        let live = try Self.load(connection)
        let segments = try connection.request("STATS").lines.first { $0.hasPrefix("STAT segments ") }
        print("segments: \(segments ?? "?")")

        let (documents, lines, final) = try Self.export(connection)
        #expect(final == "OK \(live.count) exported")
        #expect(documents.count == live.count)
        #expect(documents == live)
        // Each line is the document as GET renders it: id first, then the stored order.
        for id in [#"q"uote\id"#, "r0-0", "upserted-twice"] {
            let get = try connection.request("GET \(id)")
            #expect(lines.contains(try #require(get.lines.first)), "\(id)")
        }
        // The connection goes on: EXPORT is one request like any other.
        #expect(try connection.request("PING").final == "OK PONG")
        // JSON mode has no EXPORT form.
        #expect(try connection.request("JSON ON").isOK)
        #expect(try connection.request("EXPORT").errorCode == "SYNTAX")
    }

    @Test func exportOfAnEmptyIndex() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        let reply = try connection.request("EXPORT")
        #expect(reply.lines.isEmpty)
        #expect(reply.final == "OK 0 exported")
        #expect(try connection.request("CREATE empty").isOK)
        #expect(try connection.request("USE empty").isOK)
        #expect(try connection.request("EXPORT").final == "OK 0 exported")

        let stdout = try fixture.sou(["export"])
        #expect(stdout.status == 0, "\(stdout.standardError)")
        #expect(stdout.standardOutput.isEmpty)
        #expect(stdout.standardError.contains("0 documents exported"))
        let file = fixture.directory.appending("empty.jsonl")
        let toFile = try fixture.sou(["export", "--index", "empty", "--output", file])
        #expect(toFile.status == 0, "\(toFile.standardError)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).isEmpty)
    }

    /// `sou export | sou add` and `sou index FILE.jsonl` into fresh daemons give the same
    /// documents and the same search results (ids, scores, totals).
    @Test func exportRoundTripsThroughSouAddAndSouIndex() async throws {
        let source = try await DaemonFixture.start()
        let live = try Self.load(try source.connect())
        let piped = try source.sou(["export"])
        #expect(piped.status == 0, "\(piped.standardError)")
        #expect(piped.standardOutput.split(separator: "\n").count == live.count)
        #expect(piped.standardError.contains("\(live.count) documents exported"))
        let file = source.directory.appending("backup.jsonl")
        let saved = try source.sou(["export", "--output", file])
        #expect(saved.status == 0, "\(saved.standardError)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == piped.standardOutput)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: source.directory.path).filter { $0.hasSuffix(".tmp") }
                .isEmpty
        )

        let viaAdd = try await DaemonFixture.start()
        let added = try viaAdd.sou(["add"], input: piped.standardOutput)
        #expect(added.status == 0, "\(added.standardError)")
        let viaIndex = try await DaemonFixture.start()
        let indexed = try viaIndex.sou(["index", file])
        #expect(indexed.status == 0, "\(indexed.standardError)")

        let queries = [
            "大同", "教育", "大", "\"hello world\"", "education", "title:大同", "upserted OR 更新", "大同 -upserted",
            "lang:en", "extra:x2", "大同市的教育", "quoted", "ＡＢＣ", "world -大同",
        ]
        let original = try source.connect()
        for copy in [viaAdd, viaIndex] {
            let connection = try copy.connect()
            #expect(try Self.export(connection).documents == live)
            for query in queries {
                let line = "SEARCH limit=1000 total=exact fields=* hl=[,] \(query)"
                let expected = try original.request(line)
                let actual = try connection.request(line)
                #expect(expected.final.hasPrefix("OK hits="), "\(query): \(expected.final)")
                #expect(!expected.lines.isEmpty, "\(query) finds nothing: a weak comparison")
                #expect(Self.withoutTook(actual.final) == Self.withoutTook(expected.final), "\(query)")
                #expect(Set(actual.lines) == Set(expected.lines), "\(query)")
            }
        }
    }

    /// `OK hits=N total=M took=…` without the timing.
    static func withoutTook(_ final: String) -> String {
        final.split(separator: " ").filter { !$0.hasPrefix("took=") }.joined(separator: " ")
    }

    @Test func elasticsearchBulkFormat() async throws {
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        #expect(try connection.request("CREATE news").isOK)
        #expect(try connection.request("USE news").isOK)
        let live = try Self.load(connection)
        for arguments in [["--index", "news"], ["--index", "news", "--bulk-index", "sou-news-v1"]] {
            let bulk = try fixture.sou(["export", "--format", "elasticsearch"] + arguments)
            #expect(bulk.status == 0, "\(bulk.standardError)")
            let target = arguments.count > 2 ? "sou-news-v1" : "news"
            let lines = bulk.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.last == "")  // NDJSON: the last line ends with \n, as _bulk requires
            let pairs = lines.dropLast()
            #expect(pairs.count == 2 * live.count)
            var seen: [String: Fields] = [:]
            for pair in stride(from: 0, to: pairs.count, by: 2) {
                let action = try #require(jsonObject(String(pairs[pairs.startIndex + pair])))
                #expect(action.count == 1)
                let index = try #require(action["index"] as? [String: String])
                #expect(index["_index"] == target)
                let id = try #require(index["_id"])
                let source = try #require(jsonObject(String(pairs[pairs.startIndex + pair + 1])) as? [String: String])
                #expect(source["id"] == id)
                seen[id] = source.filter { $0.key != "id" }
            }
            #expect(seen == live)
        }
        let usage = try fixture.sou(["export", "--bulk-index", "x"])
        #expect(usage.status == 2)
    }

    /// Without `--no-commit`, `sou export` commits first; with it, it exports the last
    /// refresh only (documents acknowledged since are not in it).
    @Test func noCommitExportsTheLastRefresh() async throws {
        let fixture = try await DaemonFixture.start(["--refresh-interval-ms", "600000"])
        let connection = try fixture.connect()
        try Self.run(
            [Self.addLine("a", ["body": "committed"]), "COMMIT", Self.addLine("b", ["body": "buffered"])],
            on: connection
        )
        #expect(try connection.request("EXPORT").final == "OK 1 exported")
        let last = try fixture.sou(["export", "--no-commit"])
        #expect(last.status == 0, "\(last.standardError)")
        #expect(last.standardOutput == #"{"id":"a","body":"committed"}"# + "\n")
        let all = try fixture.sou(["export"])
        #expect(all.standardOutput.split(separator: "\n").count == 2)
    }

    /// A few thousand documents (megabytes of replies): the reply is streamed, and while the
    /// client does not read, the daemon stops (the request pipelined after `EXPORT` does not
    /// run) instead of building the reply in memory; other clients are served meanwhile.
    @Test func largeExportStreamsWithBackpressure() async throws {
        let fixture = try await DaemonFixture.start()
        let loader = try fixture.connect()
        let count = 3_000
        let filler = String(repeating: "streaming export 大同教育 ", count: 60)
        for batch in stride(from: 0, to: count, by: 500) {
            try Self.run(
                (batch..<(batch + 500)).map { Self.addLine("big-\($0)", ["body": "\($0) \(filler)"]) } + ["COMMIT"],
                on: loader
            )
        }
        let before = try #require(residentBytes(fixture.daemon.pid))
        let requestsBefore = try ReplyBackpressureTests.requestCount(loader)
        let reader = try fixture.connect()
        try reader.write(Array("EXPORT\nPING\n".utf8))
        try await Task.sleep(for: .seconds(2))
        // The STATS itself counts; the EXPORT started; the PING after it has not.
        #expect(try ReplyBackpressureTests.requestCount(loader) == requestsBefore + 2)
        #expect(try loader.request("PING").final == "OK PONG")
        let peak = residentBytes(fixture.daemon.pid) ?? 0
        // Writes, deletes and commits meanwhile do not change what the export holds: it
        // reads the snapshot of its start, whose segments stay open.
        try Self.run(
            [
                "DELETE " + (0..<100).map { "big-\($0)" }.joined(separator: " "),
                Self.addLine("late", ["body": "late"]), "COMMIT",
            ],
            on: loader
        )
        #expect(try loader.request("COUNT streaming").final == "OK \(count - 100)")

        var documents = 0
        var bytes = 0
        var final = ""
        var ids = Set<String>()
        while let line = try reader.readLine() {
            if line.hasPrefix("DOC ") {
                ids.insert(try #require(jsonObject(String(line.dropFirst(4)))?["id"] as? String))
                documents += 1
                bytes += line.utf8.count + 1
            } else {
                final = line
                break
            }
        }
        #expect(final == "OK \(count) exported")
        #expect(documents == count)
        #expect(ids == Set((0..<count).map { "big-\($0)" }))
        #expect(try reader.readResponse().final == "OK PONG")
        // Printed, not asserted: a few MiB of replies are too little to tell from allocator noise.
        print("export: \(bytes >> 20) MiB streamed; RSS before \(before >> 20) MiB, while stalled \(peak >> 20) MiB")
    }

    /// A stream that ends before its final line, or whose count disagrees with the lines
    /// received, fails `sou export` (exit 4) and leaves no output file.
    @Test func truncatedStreamsAreDetected() async throws {
        let directory = try TemporaryDirectory(prefix: "sou-fake")
        let documents = #"DOC {"id":"a","body":"x"}"# + "\n" + #"DOC {"id":"b","body":"y"}"# + "\n"
        for (reply, problem) in [
            (documents, "the connection ended after 2 documents"),
            (documents + "OK 3 exported\n", "received 2 documents"),
            (documents + "ERR CORRUPT export cut off after 2 documents: bad block\n", "CORRUPT"),
        ] {
            let socket = directory.appending("fake-\(problem.count).sock")
            let fake = try FakeExportDaemon(path: socket, exportReply: reply)
            let file = directory.appending("out.jsonl")
            let output = try ProcessRunner.run("sou", ["--socket", socket, "export", "--output", file])
            fake.stop()
            #expect(output.status == 4, "\(problem): \(output.standardError)")
            #expect(output.standardError.contains(problem), "\(output.standardError)")
            #expect(!FileManager.default.fileExists(atPath: file))
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
                    .isEmpty
            )
        }
    }
}

/// A stand-in for `soud` on a Unix socket that answers `sou export`'s requests and then
/// sends `exportReply` as the reply to `EXPORT` and closes: a daemon that dies mid-export.
final class FakeExportDaemon: @unchecked Sendable {
    private let listener: Int32
    private let thread: Thread

    init(path: String, exportReply: String) throws {
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(listener, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
        self.listener = listener
        thread = Thread {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            defer { close(client) }
            var pending: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            func reply(_ text: String) {
                _ = Array(text.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return }
                pending += chunk[0..<count]
                while let newline = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeFirst(newline + 1)
                    switch line {
                    case "JSON ON": reply(#"{"ok":true,"message":"JSON on"}"# + "\n")
                    case "COMMIT": reply(#"{"ok":true,"message":"committed"}"# + "\n")
                    case "JSON OFF": reply("OK JSON off\n")
                    case "EXPORT":
                        reply(exportReply)
                        return
                    default: reply("ERR UNKNOWN_COMMAND unexpected\n")
                    }
                }
            }
        }
        thread.start()
    }

    /// Stops listening (the one connection has been served by then).
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
