import Foundation
import SouFormat
import SouIndex
import Synchronization
import Testing

/// kill -9 during ingest, restart, every acknowledged document is present and searchable,
/// nothing is duplicated, the index opens cleanly.
///
/// The writer is a real separate process (`CrashWriter`, four concurrent writers under the
/// default durability policy, refresh every 50 ms so commits and merges are often in flight
/// when the kill lands). `CRASH_CYCLES=N` (see scripts/crash-cycles.sh) changes the count.
@Suite(.serialized) struct KillDuringIngestTests {
    @Test func everyAcknowledgedDocumentSurvivesKill9() async throws {
        let cycles = ProcessInfo.processInfo.environment["CRASH_CYCLES"].flatMap(Int.init) ?? 20
        let seed = ProcessInfo.processInfo.environment["CRASH_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
        print("KillDuringIngestTests seed", seed, "cycles", cycles)
        var random = SplitMix64(seed: seed)
        let writer = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("CrashWriter")
        guard FileManager.default.isExecutableFile(atPath: writer.path) else {
            Issue.record("\(writer.path) is missing: run `swift build` first (scripts/crash-cycles.sh does)")
            return
        }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("sou-crash-\(seed)")
        defer { try? FileManager.default.removeItem(at: data) }
        var acknowledged = Set<String>()
        var totalKills = 0
        for cycle in 0..<cycles {
            let delay = Int.random(in: 30...600, using: &random)
            let acked = try await runAndKill(writer, data: data.path, prefix: "c\(cycle)", afterMilliseconds: delay)
            acknowledged.formUnion(acked)
            totalKills += 1
            try await verify(data: data.path, acknowledged: acknowledged, cycle: cycle, seed: seed)
        }
        print("KillDuringIngestTests: \(totalKills) kills, \(acknowledged.count) acknowledged documents verified")
        #expect(!acknowledged.isEmpty)
    }

    /// Starts the writer, kills it with SIGKILL after `delay` ms, returns the acknowledged ids.
    func runAndKill(_ executable: URL, data: String, prefix: String, afterMilliseconds delay: Int) async throws -> Set<String> {
        let process = Process()
        process.executableURL = executable
        process.arguments = [data, prefix]
        let output = Pipe()
        process.standardOutput = output
        let collected = Collected()
        output.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        try process.run()
        try await Task.sleep(for: .milliseconds(delay))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        collected.append(output.fileHandleForReading.readDataToEndOfFile())
        #expect(process.terminationReason == .uncaughtSignal, "writer exited on its own: \(process.terminationStatus)")
        return collected.acknowledgedIDs()
    }

    func verify(data: String, acknowledged: Set<String>, cycle: Int, seed: UInt64) async throws {
        let warnings = WarningCollector()
        let catalog = try await IndexCatalog(
            dataDirectory: data, options: IndexOptions(warningHandler: { warnings.append($0) }))
        defer { _ = catalog }
        let index = try #require(catalog.index(named: "default"))
        let snapshot = index.snapshot()
        var live: [String: Int] = [:]
        for view in snapshot.segments {
            for docID in 0..<UInt32(view.reader.documentCount) where !view.isDeleted(docID) {
                live[try view.reader.document(docID).id, default: 0] += 1
            }
        }
        let duplicated = live.filter { $0.value > 1 }.keys.sorted()
        #expect(duplicated.isEmpty, "seed \(seed) cycle \(cycle): duplicated \(duplicated.prefix(5))")
        let missing = acknowledged.filter { live[$0] == nil }.sorted()
        #expect(missing.isEmpty, "seed \(seed) cycle \(cycle): \(missing.count) acknowledged documents lost, e.g. \(missing.prefix(5))")
        #expect(snapshot.liveDocumentCount == live.count)
        // Searchable by a term of its own (a sample, to keep the test fast).
        for id in acknowledged.sorted().prefix(50) {
            let word = String(id.map { $0 == "-" ? "x" : $0 })
            #expect(try search(snapshot, field: "body", term: word) == [id], "seed \(seed) cycle \(cycle): \(id)")
        }
        try await catalog.close()
    }
}

/// Ids from complete output lines (a line cut by the kill is not an acknowledgement).
final class Collected: Sendable {
    private let data = Mutex(Data())
    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }
    func acknowledgedIDs() -> Set<String> {
        let text = data.withLock { String(decoding: $0, as: UTF8.self) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // after the last "\n": empty or cut off
        return Set(lines.filter { $0 != "READY" }.flatMap { $0.split(separator: " ").map(String.init) })
    }
}

final class WarningCollector: Sendable {
    private let messages = Mutex<[String]>([])
    func append(_ message: String) { messages.withLock { $0.append(message) } }
}

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Ids of live documents whose `field` holds the word `term` (walks the postings).
func search(_ snapshot: Snapshot, field: String, term: String) throws -> Set<String> {
    var ids = Set<String>()
    for view in snapshot.segments {
        guard let number = view.reader.meta.fieldNumber(field),
            let info = try view.reader.dictionary.lookup(SegmentReader.key(field: UInt8(number), term: term))
        else { continue }
        var cursor = view.reader.postings.cursor(for: info)
        while cursor.doc != PostingsCursor.noMoreDocs {
            if !view.isDeleted(cursor.doc) { ids.insert(try view.reader.document(cursor.doc).id) }
            _ = cursor.next()
        }
    }
    return ids
}
