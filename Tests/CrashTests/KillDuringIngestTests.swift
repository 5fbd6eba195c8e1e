import Foundation
import SouTestSupport
import Synchronization
import Testing

/// kill -9 of a real `soud` during ingest; restart; every acknowledged document is present,
/// searchable and intact, nothing is duplicated, the daemon opens the index cleanly.
///
/// Each cycle: four client threads pipeline `ADD`s into the running daemon as fast as it
/// answers and record every `OK added <id>`; after a random delay the daemon gets SIGKILL;
/// a new daemon starts on the same data directory and is checked over the protocol; the
/// next cycle ingests into that daemon and kills it. The refresh interval is short so
/// commits and merges are often in flight when the kill lands.
/// `CRASH_CYCLES=N` and `CRASH_SEED=S` (see scripts/crash-cycles.sh) change count and seed.
@Suite(.serialized, .offCooperativePool) struct KillDuringIngestTests {
    /// Short refreshes and small tiers: commits and merges are often in flight at the kill.
    /// A large `max_results` lets one SEARCH list every document from one snapshot (paging
    /// with offsets while a merge reorders segments would list some twice, some never).
    static let daemonArguments = [
        "--refresh-interval-ms", "50", "--merge-segments-per-tier", "3", "--max-results", "10000000",
    ]

    @Test func everyAcknowledgedDocumentSurvivesKill9() async throws {
        let environment = ProcessInfo.processInfo.environment
        let cycles = environment["CRASH_CYCLES"].flatMap(Int.init) ?? 20
        let seed = environment["CRASH_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
        print("KillDuringIngestTests seed", seed, "cycles", cycles)
        var random = SplitMix64(seed: seed)
        let directory = try TemporaryDirectory(prefix: "sou-crash")
        let data = directory.appending("data")
        let socket = directory.appending("s.sock")
        var daemon = try await DaemonProcess.start(
            dataDirectory: data,
            socket: socket,
            extraArguments: Self.daemonArguments
        )
        let ledger = Ledger()
        for cycle in 0..<cycles {
            let writers = (0..<4).map { writer in
                IngestThread(socket: socket, prefix: "c\(cycle)-\(writer)", ledger: ledger)
            }
            for writer in writers { writer.start() }
            try await Task.sleep(for: .milliseconds(Int.random(in: 30...600, using: &random)))
            daemon.kill(signal: SIGKILL)
            let status = await daemon.waitForExit()
            #expect(status == 128 + SIGKILL, "seed \(seed) cycle \(cycle): soud exited with \(status) before the kill")
            for writer in writers { await writer.join() }
            daemon = try await DaemonProcess.start(
                dataDirectory: data,
                socket: socket,
                extraArguments: Self.daemonArguments
            )
            try verify(daemon, ledger: ledger, context: "seed \(seed) cycle \(cycle)", random: &random)
        }
        let acknowledged = ledger.acknowledged.count
        print("KillDuringIngestTests: \(cycles) kills, \(acknowledged) acknowledged documents verified")
        #expect(acknowledged > 0)
        daemon.kill(signal: SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    /// Checks the restarted daemon against what the clients sent and what it acknowledged.
    func verify(_ daemon: DaemonProcess, ledger: Ledger, context: String, random: inout SplitMix64) throws {
        let connection = try daemon.connect()
        defer { connection.close() }
        #expect(try connection.request("COMMIT").isOK)
        let acknowledged = ledger.acknowledged
        let sent = ledger.sent
        // Every live document, in one SEARCH for a word all of them hold.
        let all = try connection.request("SEARCH limit=10000000 snippet=off crashdoc")
        try #require(all.isOK, "\(context): \(all.final)")
        let total = Int(all.final.split(separator: " ").first { $0.hasPrefix("total=") }?.dropFirst(6) ?? "") ?? -1
        let present = all.lines.filter { $0.hasPrefix("HIT ") }.map { String($0.split(separator: " ")[1]) }
        #expect(present.count == total, "\(context): listed \(present.count) of total \(total)")
        let unique = Set(present)
        #expect(unique.count == present.count, "\(context): \(present.count - unique.count) duplicated documents")
        let missing = acknowledged.subtracting(unique)
        #expect(
            missing.isEmpty,
            "\(context): \(missing.count) acknowledged documents lost, e.g. \(missing.sorted().prefix(5))"
        )
        let invented = unique.subtracting(sent)
        #expect(invented.isEmpty, "\(context): documents never sent: \(invented.sorted().prefix(5))")
        let stats = try connection.request("STATS")
        #expect(stats.lines.contains("STAT documents \(unique.count)"), "\(context): \(stats.lines)")
        // A sample: found by a word of its own, stored text intact.
        for id in acknowledged.sorted().shuffled(using: &random).prefix(40) {
            let hit = try connection.request("SEARCH snippet=off \(Self.word(for: id))")
            #expect(
                hit.lines == ["HIT \(id) \(hit.lines.first?.split(separator: " ").last ?? "")"],
                "\(context): \(id) → \(hit.lines)"
            )
            let document = try connection.request("GET \(id)")
            #expect(document.lines == ["DOC " + Self.json(for: id)], "\(context): \(id) → \(document.lines)")
        }
    }

    /// The document a client sends for `id`.
    static func json(for id: String) -> String {
        #"{"id":"\#(id)","body":"大同日报 crashdoc \#(word(for: id)) 第\#(id.utf8.count)版"}"#
    }

    /// The id as one searchable word ("c3-1-27" → "c3x1x27").
    static func word(for id: String) -> String { String(id.map { $0 == "-" ? "x" : $0 }) }
}

/// Ids sent and ids acknowledged, shared by the client threads.
final class Ledger: Sendable {
    private let state = Mutex<(sent: Set<String>, acknowledged: Set<String>)>(([], []))
    var sent: Set<String> { state.withLock { $0.sent } }
    var acknowledged: Set<String> { state.withLock { $0.acknowledged } }
    func recordSent(_ ids: [String]) { state.withLock { $0.sent.formUnion(ids) } }
    func recordAcknowledged(_ id: String) { _ = state.withLock { $0.acknowledged.insert(id) } }
}

/// A client thread: pipelines batches of `ADD`s until the connection breaks (the kill).
final class IngestThread: Sendable {
    private let socket: String
    private let prefix: String
    private let ledger: Ledger
    private let finished = Mutex(false)

    init(socket: String, prefix: String, ledger: Ledger) {
        self.socket = socket
        self.prefix = prefix
        self.ledger = ledger
    }

    func start() {
        Thread { [self] in
            run()
            finished.withLock { $0 = true }
        }.start()
    }

    func join() async {
        while !finished.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(5)) }
    }

    private func run() {
        guard let connection = try? SouConnection(socketPath: socket, timeout: .seconds(30)) else { return }
        defer { connection.close() }
        var next = 0
        while true {
            let ids = (next..<next + 8).map { "\(prefix)-\($0)" }
            next += ids.count
            ledger.recordSent(ids)
            do {
                for id in ids { try connection.send("ADD " + KillDuringIngestTests.json(for: id)) }
                for id in ids {
                    let reply = try connection.readResponse()
                    guard reply.final == "OK added \(id)" else { return }
                    ledger.recordAcknowledged(id)
                }
            } catch {
                return
            }
        }
    }
}
