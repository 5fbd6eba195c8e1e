import Foundation
import SouClient
import SouTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Random pipelined batches of ADD/UPSERT/DELETE/GET/COUNT/COMMIT (with garbage mixed in)
/// against a real `soud`, checked reply by reply against a model; then SIGTERM, restart,
/// and every acknowledged document is checked again.
///
/// Model: writes change the pending state at once (DELETE counts pending documents);
/// GET and COUNT see the state of the last COMMIT (the refresh interval is set far away).
@Suite(.offCooperativePool) struct RandomizedProtocolTests {
    static let words = ["alpha", "beta", "gamma", "大同", "教育", "北京", "科技", "Ωmega"]
    static let separators = [" ", "\n", "\t", " \" ", " 🎉 ", "\r\n", " \\ "]

    struct Model {
        var pending: [String: [String: String]] = [:]
        var visible: [String: [String: String]] = [:]

        func count(_ word: String) -> Int {
            visible.values.filter { fields in
                fields.values.contains { Model.words(of: $0).contains(word) }
            }.count
        }

        static func words(of text: String) -> Set<String> {
            Set(
                text.split(whereSeparator: { $0.isWhitespace || $0 == "\"" || $0 == "\\" || $0 == "🎉" }).map(
                    String.init
                )
            )
        }
    }

    @Test func randomBatchesMatchTheModelAndSurviveARestart() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("seed", seed)
        var random = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func text() -> String {
            (0..<Int(1 + random.next() % 6)).map { _ in pick(Self.words) + pick(Self.separators) }.joined()
        }

        let directory = try TemporaryDirectory(prefix: "sou-it")
        let data = directory.appending("data")
        let socket = directory.appending("s.sock")
        let daemon = try await DaemonProcess.start(
            dataDirectory: data,
            socket: socket,
            extraArguments: ["--refresh-interval-ms", "600000"]
        )
        let connection = try daemon.connect()
        var model = Model()
        var requests = 0
        for _ in 0..<40 {
            var lines: [String] = []
            var checks: [(ClientResponse) -> Void] = []
            for _ in 0..<Int(1 + random.next() % 60) {
                let id = "r\(random.next() % 40)"
                switch random.next() % 100 {
                case 0..<40:
                    var fields = ["body": text()]
                    if random.next() % 2 == 0 { fields["title"] = text() }
                    let json = JSONValueEncoding.object(fields.merging(["id": id]) { a, _ in a })
                    lines.append((random.next() % 2 == 0 ? "ADD " : "UPSERT ") + json)
                    model.pending[id] = fields
                    checks.append { #expect($0.final == "OK added \(id)") }
                case 40..<50:
                    let ids = Array(Set((0..<Int(1 + random.next() % 3)).map { _ in "r\(random.next() % 40)" }))
                        .sorted()
                    let existing = ids.filter { model.pending[$0] != nil }.count
                    for id in ids { model.pending[id] = nil }
                    lines.append("DELETE " + ids.joined(separator: " "))
                    checks.append { #expect($0.final == "OK \(existing) deleted", "DELETE \(ids)") }
                case 50..<70:
                    lines.append("GET \(id)")
                    let expected = model.visible[id]
                    checks.append { reply in
                        guard let expected else {
                            #expect(reply.errorCode == "NOT_FOUND", "GET \(id): \(reply)")
                            return
                        }
                        let line = reply.lines.first.map { String($0.dropFirst(4)) } ?? ""
                        let object = jsonObject(line) as? [String: String]
                        #expect(object == expected.merging(["id": id]) { a, _ in a }, "GET \(id): \(reply)")
                    }
                case 70..<85:
                    let word = pick(Self.words)
                    lines.append("COUNT \(word)")
                    let expected = model.count(word)
                    checks.append { #expect($0.final == "OK \(expected)", "COUNT \(word)") }
                case 85..<92:
                    lines.append("COMMIT")
                    model.visible = model.pending
                    checks.append { #expect($0.final == "OK committed") }
                default:
                    let garbage = pick(["FROB", "SEARCH \"open", "ADD {\"id\":", "GET", "DELETE", "\u{1}\u{2}"])
                    lines.append(garbage)
                    checks.append { #expect($0.errorCode != nil, "\(garbage)") }
                }
            }
            try connection.write(Array((lines.joined(separator: "\n") + "\n").utf8))
            for check in checks { check(try connection.readResponse()) }
            requests += lines.count
        }
        print("randomized protocol: \(requests) requests, \(model.pending.count) documents")

        // Acknowledged but uncommitted writes survive a graceful restart.
        daemon.kill(signal: SIGTERM)
        #expect(await daemon.waitForExit() == 0, "\(daemon.log())")
        let again = try await DaemonProcess.start(dataDirectory: data, socket: socket)
        let check = try again.connect()
        #expect(try check.request("COMMIT").isOK)
        for id in (0..<40).map({ "r\($0)" }) {
            let reply = try check.request("GET \(id)")
            if let fields = model.pending[id] {
                let object = jsonObject(String(reply.lines.first?.dropFirst(4) ?? "")) as? [String: String]
                #expect(object == fields.merging(["id": id]) { a, _ in a }, "\(id) after restart")
            } else {
                #expect(reply.errorCode == "NOT_FOUND", "\(id) after restart")
            }
        }
        for word in Self.words {
            model.visible = model.pending
            #expect(try check.request("COUNT \(word)").final == "OK \(model.count(word))", "\(word) after restart")
        }
    }
}
