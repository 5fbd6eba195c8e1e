import Logging
import NIOCore
import SouProtocol
import Testing

@testable import SouServer

@Suite struct ConnectionHandlerTests {
    func makeHandler(_ backend: MemoryBackend, configure: (inout Configuration) -> Void = { _ in }) -> ConnectionHandler
    {
        var configuration = Configuration()
        configuration.maxResults = 50
        configure(&configuration)
        let counters = ServerCounters()
        return ConnectionHandler(
            executor: CommandExecutor(backend: backend, configuration: configuration, counters: counters),
            parser: RequestParser(limits: .init(maxDocumentBytes: 1000, maxResults: 50)),
            registry: ConnectionRegistry(),
            counters: counters,
            configuration: configuration,
            logger: Logger(label: "test")
        )
    }

    func frames(_ lines: [String]) -> [Frame] { lines.map { .line(ByteBuffer(string: $0)) } }

    @Test func pipelinedRequestsAnswerInOrderAndAddsShareOneWrite() async {
        let backend = MemoryBackend()
        let handler = makeHandler(backend)
        var session = Session()
        let (output, close) = await handler.answer(
            frames([
                "PING", #"ADD {"id":"a","body":"hello world"}"#, #"ADD {"id":"b","body":"hello there"}"#,
                #"ADD {"id":"c","body":"bye"}"#, "COMMIT", "COUNT hello", "SEARCH snippet=off hello", "GET a",
            ]),
            session: &session
        )
        #expect(!close)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(
            Array(lines.prefix(8)) == [
                "OK PONG", "OK added a", "OK added b", "OK added c", "OK committed", "OK 2", "HIT a 1.0000",
                "HIT b 1.0000",
            ]
        )
        #expect(lines[8].hasPrefix("OK hits=2 total=2 took="))
        #expect(lines[9] == #"DOC {"id":"a","body":"hello world"}"#)
        #expect(lines[10] == "OK")
        #expect(backend.state.withLock { $0.addCalls } == [3])
    }

    @Test func errorsKeepTheConnectionUsable() async {
        let handler = makeHandler(MemoryBackend())
        var session = Session()
        let (output, close) = await handler.answer(
            [.line(ByteBuffer(bytes: [0x50, 0xFF, 0xFE])), .tooLong]
                + frames(["FROB", "SEARCH (x", "GET nope", "PING"]),
            session: &session
        )
        #expect(!close)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines[0].hasPrefix("ERR BAD_UTF8 "))
        #expect(lines[1].hasPrefix("ERR LINE_TOO_LONG "))
        #expect(lines[2].hasPrefix("ERR UNKNOWN_COMMAND "))
        #expect(lines[3].hasPrefix("ERR BAD_QUERY "))
        #expect(lines[4].hasPrefix("ERR NOT_FOUND "))
        #expect(lines[5] == "OK PONG")
    }

    @Test func jsonModeAndQuit() async {
        let handler = makeHandler(MemoryBackend())
        var session = Session()
        let (output, close) = await handler.answer(
            frames(["JSON ON", "COUNT x", "FROB", "QUIT", "PING"]),
            session: &session
        )
        #expect(close)
        #expect(
            output.split(separator: "\n").map(String.init) == [
                #"{"ok":true,"message":"JSON on"}"#, #"{"ok":true,"message":"0","count":0}"#,
                #"{"ok":false,"code":"UNKNOWN_COMMAND","message":"unknown command 'FROB'; try HELP"}"#,
                #"{"ok":true,"message":"bye"}"#,
            ]
        )
    }

    @Test func indexesAndUse() async {
        let handler = makeHandler(MemoryBackend())
        var session = Session()
        let (output, _) = await handler.answer(
            frames(["CREATE news", "CREATE news", "INDEXES", "USE news", "USE nope", "DROP news"]),
            session: &session
        )
        let prefixes: [String] = output.split(separator: "\n").map { String($0.prefix(20)) }
        let expected: [String] = [
            "OK created news", "ERR INDEX_EXISTS ind", "INDEX default", "INDEX news", "OK 2 indexes", "OK using news",
            "ERR NO_INDEX no inde", "OK dropped news",
        ]
        #expect(prefixes == expected)
        #expect(session.index == "default")
    }

    @Test func writerAllowlist() async {
        let handler = makeHandler(MemoryBackend()) { $0.writerUIDs = [4242] }
        var session = Session(peer: PeerCredentials(pid: 1, uid: 1000, gid: 1000))
        let (output, _) = await handler.answer(frames([#"ADD {"id":"a"}"#, "COMMIT", "PING"]), session: &session)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("ERR FORBIDDEN "))
        #expect(lines[1].hasPrefix("ERR FORBIDDEN "))
        #expect(lines[2] == "OK PONG")
        var allowed = Session(peer: PeerCredentials(pid: 1, uid: 4242, gid: 1000))
        let (ok, _) = await handler.answer(frames(["COMMIT"]), session: &allowed)
        #expect(ok == "OK committed\n")
    }

    @Test func repliesAreSentInChunksInOrderNotGatheredPerBatch() async {
        let backend = MemoryBackend()
        let handler = makeHandler(backend)
        var session = Session()
        let adds = (0..<3).map { #"ADD {"id":"d\#($0)","body":"hello \#($0)"}"# }
        var chunks: [String] = []
        let close = await handler.answer(
            frames(adds + ["COMMIT"] + Array(repeating: "GET d1", count: 5) + ["PING"]),
            session: &session,
            flushBytes: 40
        ) { chunks.append($0) }
        #expect(!close)
        // Still one durable write for the pipelined ADDs.
        #expect(backend.state.withLock { $0.addCalls } == [3])
        // Each chunk is whole replies; none is much larger than the threshold plus one reply.
        #expect(chunks.count > 3)
        #expect(chunks.allSatisfy { $0.hasSuffix("\n") && $0.utf8.count < 40 + 64 })
        let lines = chunks.joined().split(separator: "\n").map(String.init)
        #expect(Array(lines.prefix(4)) == ["OK added d0", "OK added d1", "OK added d2", "OK committed"])
        #expect(lines.count == 15)  // 3 ADD, COMMIT, 5 × (DOC, OK), PING
        #expect(lines.last == "OK PONG")
    }

    @Test func exportStreamsDocumentsInChunksThenCountsThem() async {
        let backend = MemoryBackend()
        let handler = makeHandler(backend)
        var session = Session()
        let adds = (0..<7).map { #"ADD {"id":"e\#($0)","body":"text \#($0)"}"# }
        var chunks: [String] = []
        _ = await handler.answer(frames(adds + ["DELETE e3", "EXPORT", "PING"]), session: &session, flushBytes: 60) {
            chunks.append($0)
        }
        let lines = chunks.joined().split(separator: "\n").map(String.init)
        let documents = lines.filter { $0.hasPrefix("DOC ") }
        #expect(documents.count == 6)
        #expect(documents.first == #"DOC {"id":"e0","body":"text 0"}"#)
        #expect(!documents.contains { $0.contains("e3") })
        #expect(lines.suffix(2) == ["OK 6 exported", "OK PONG"])
        // Sent as it is read, not gathered: several chunks, each about the threshold.
        #expect(chunks.count >= 4)
        #expect(chunks.allSatisfy { $0.utf8.count < 60 + 100 })
    }

    @Test func exportRefusesJSONModeAndUnknownIndexes() async {
        let handler = makeHandler(MemoryBackend())
        var session = Session()
        let (output, _) = await handler.answer(frames(["JSON ON", "EXPORT", "JSON OFF"]), session: &session)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix(#"{"ok":false,"code":"SYNTAX","message":"EXPORT streams"#))
        #expect(lines[2] == "OK JSON off")
        session.index = "gone"
        let (missing, _) = await handler.answer(frames(["EXPORT"]), session: &session)
        #expect(missing.hasPrefix("ERR NO_INDEX "))
    }

    @Test func aFailedSendStopsTheBatch() async {
        struct Gone: Error {}
        let backend = MemoryBackend()
        let handler = makeHandler(backend)
        var session = Session()
        var sent = 0
        await #expect(throws: Gone.self) {
            _ = try await handler.answer(
                frames(["PING", "PING", #"ADD {"id":"late","body":"x"}"#]),
                session: &session,
                flushBytes: 1
            ) { _ in
                sent += 1
                throw Gone()
            }
        }
        #expect(sent == 1)
        #expect(backend.state.withLock { $0.addCalls }.isEmpty)
    }

    @Test func scoresHaveFourDecimals() {
        #expect(SearchReply.formatScore(7.31) == "7.3100")
        #expect(SearchReply.formatScore(0.00004) == "0.0000")
        #expect(SearchReply.formatScore(12.345678) == "12.3457")
        #expect(SearchReply.formatScore(1e30) == "900000000000000.0000")  // saturates, never traps
        #expect(SearchReply.formatScore(-.greatestFiniteMagnitude) == "-900000000000000.0000")
    }
}

extension ConnectionHandler {
    /// Runs a batch and returns all its replies as one string (a test convenience).
    func answer(_ batch: [Frame], session: inout Session) async -> (String, close: Bool) {
        var output = ""
        let close = await answer(batch, session: &session, flushBytes: .max) { output += $0 }
        return (output, close)
    }
}
