import Logging
import NIOCore
import SouProtocol
import Testing

@testable import SouServer

@Suite struct ConnectionHandlerTests {
    func makeHandler(_ backend: MemoryBackend, configure: (inout Configuration) -> Void = { _ in }) -> ConnectionHandler {
        var configuration = Configuration()
        configuration.maxResults = 50
        configure(&configuration)
        let counters = ServerCounters()
        return ConnectionHandler(
            executor: CommandExecutor(backend: backend, configuration: configuration, counters: counters),
            parser: RequestParser(limits: .init(maxDocumentBytes: 1000, maxResults: 50)),
            registry: ConnectionRegistry(), counters: counters, configuration: configuration,
            logger: Logger(label: "test"))
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
            ]), session: &session)
        #expect(!close)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(Array(lines.prefix(8)) == [
            "OK PONG", "OK added a", "OK added b", "OK added c", "OK committed", "OK 2", "HIT a 1.0000", "HIT b 1.0000",
        ])
        #expect(lines[8].hasPrefix("OK hits=2 total=2 took="))
        #expect(lines[9] == #"DOC {"id":"a","body":"hello world"}"#)
        #expect(lines[10] == "OK")
        #expect(backend.state.withLock { $0.addCalls } == [3])
    }

    @Test func errorsKeepTheConnectionUsable() async {
        let handler = makeHandler(MemoryBackend())
        var session = Session()
        let (output, close) = await handler.answer(
            [.line(ByteBuffer(bytes: [0x50, 0xFF, 0xFE])), .tooLong] + frames(["FROB", "SEARCH (x", "GET nope", "PING"]),
            session: &session)
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
        let (output, close) = await handler.answer(frames(["JSON ON", "COUNT x", "FROB", "QUIT", "PING"]), session: &session)
        #expect(close)
        #expect(
            output.split(separator: "\n").map(String.init) == [
                #"{"ok":true,"message":"JSON on"}"#, #"{"ok":true,"message":"0","count":0}"#,
                #"{"ok":false,"code":"UNKNOWN_COMMAND","message":"unknown command 'FROB'; try HELP"}"#,
                #"{"ok":true,"message":"bye"}"#,
            ])
    }

    @Test func indexesAndUse() async {
        let handler = makeHandler(MemoryBackend())
        var session = Session()
        let (output, _) = await handler.answer(
            frames(["CREATE news", "CREATE news", "INDEXES", "USE news", "USE nope", "DROP news"]), session: &session)
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

    @Test func scoresHaveFourDecimals() {
        #expect(SearchReply.formatScore(7.31) == "7.3100")
        #expect(SearchReply.formatScore(0.00004) == "0.0000")
        #expect(SearchReply.formatScore(12.345678) == "12.3457")
        #expect(SearchReply.formatScore(1e30) == "900000000000000.0000")  // saturates, never traps
        #expect(SearchReply.formatScore(-.greatestFiniteMagnitude) == "-900000000000000.0000")
    }
}
