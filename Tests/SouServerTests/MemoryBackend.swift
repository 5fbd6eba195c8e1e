import SouProtocol
import Synchronization

@testable import SouServer

/// A test double: documents in a dictionary, "search" = documents whose body contains the query.
final class MemoryBackend: SearchBackend {
    struct State {
        var indexes: [String: [String: ProtocolDocument]] = ["default": [:]]
        var addCalls: [Int] = []
    }

    let state = Mutex(State())

    func indexNames() -> [String] { state.withLock { $0.indexes.keys.sorted() } }
    func hasIndex(_ index: String) -> Bool { state.withLock { $0.indexes[index] != nil } }

    func documents(_ index: String) throws -> [String: ProtocolDocument] {
        guard let documents = state.withLock({ $0.indexes[index] }) else {
            throw ProtocolError(.noIndex, "no index named '\(index)'")
        }
        return documents
    }

    func search(
        index: String,
        _ parameters: SearchParameters,
        deadline: ContinuousClock.Instant
    ) async throws
        -> SearchOutcome
    {
        if parameters.query.hasPrefix("(") { throw ProtocolError(.badQuery, "unclosed parenthesis at 0") }
        let matches = try documents(index).values.filter { document in
            document.fields.contains { $0.value.contains(parameters.query) }
        }.sorted { $0.id < $1.id }
        let page = matches.dropFirst(parameters.offset).prefix(parameters.limit)
        return SearchOutcome(
            total: matches.count,
            hits: page.map {
                SearchOutcome.Hit(id: $0.id, score: 1, snippet: parameters.snippets ? "«x»" : nil, fields: [])
            }
        )
    }

    func count(index: String, query: String, deadline: ContinuousClock.Instant) async throws -> Int {
        try await search(index: index, SearchParameters(query: query, limit: 1000), deadline: deadline).total
    }

    func document(index: String, id: String) async throws -> ProtocolDocument? { try documents(index)[id] }

    func export(index: String) throws -> any DocumentExport {
        MemoryExport(try documents(index).values.sorted { $0.id < $1.id })
    }

    func add(index: String, _ documents: [ProtocolDocument]) async throws {
        _ = try self.documents(index)
        state.withLock { state in
            state.addCalls.append(documents.count)
            for document in documents { state.indexes[index]![document.id] = document }
        }
    }

    func delete(index: String, ids: [String]) async throws -> Int {
        _ = try documents(index)
        return state.withLock { state in ids.filter { state.indexes[index]!.removeValue(forKey: $0) != nil }.count }
    }

    func commit(index: String) async throws { _ = try documents(index) }

    func verify(index: String) async throws -> Int {
        _ = try documents(index)
        return 0
    }

    func startBackgroundVerification(finished: @escaping @Sendable (_ segments: Int, _ failed: Int) -> Void) {
        finished(0, 0)
    }

    func stats(index: String) async throws -> [(String, JSONValue)] {
        [("documents", .int(try documents(index).count))]
    }

    func create(index: String, boosts: [String: Float]) async throws {
        try state.withLock { state in
            if state.indexes[index] != nil { throw ProtocolError(.indexExists, "index '\(index)' already exists") }
            state.indexes[index] = [:]
        }
    }

    func drop(index: String) async throws {
        _ = try documents(index)
        _ = state.withLock { $0.indexes.removeValue(forKey: index) }
    }

    func close() async throws {}
}

/// Hands out the documents two at a time, as chunks.
final class MemoryExport: DocumentExport {
    var remaining: ArraySlice<ProtocolDocument>

    init(_ documents: [ProtocolDocument]) {
        remaining = documents[...]
    }

    func next(maxBytes: Int) async throws -> [ProtocolDocument]? {
        guard !remaining.isEmpty else { return nil }
        defer { remaining = remaining.dropFirst(2) }
        return Array(remaining.prefix(2))
    }
}
