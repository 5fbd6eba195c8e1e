import SouDocument
import SouTestSupport
import Testing

@testable import SouIndex

/// `LiveDocumentCursor`: every live document of one snapshot, once, in bounded chunks, and
/// the snapshot's documents even after later commits and merges.
@Suite struct LiveDocumentCursorTests {
    /// Reads the cursor to its end; returns the chunks.
    static func drain(_ cursor: inout LiveDocumentCursor, maxBytes: Int, maxScanned: Int = 4_096) throws -> [[Document]]
    {
        var chunks: [[Document]] = []
        while !cursor.isFinished { chunks.append(try cursor.next(maxBytes: maxBytes, maxScanned: maxScanned)) }
        #expect(try cursor.next(maxBytes: maxBytes).isEmpty)
        return chunks
    }

    @Test func chunksHoldEveryLiveDocumentOnceAndSkipDeletions() async throws {
        let scratch = ScratchDirectory()
        let catalog = try await IndexCatalog(dataDirectory: scratch.file("data"), options: testOptions())
        let index = try #require(catalog.index(named: "default"))
        var live: [String: Document] = [:]
        for segment in 0..<3 {
            let documents = (0..<50).map { document("s\(segment)-\($0)", "大同 text \($0) of segment \(segment)") }
            try await index.add(documents)
            for document in documents { live[document.id] = document }
            if segment > 0 {
                let replaced = document("s\(segment - 1)-1", "replaced in \(segment)", title: "new")
                try await index.add([replaced])
                live[replaced.id] = replaced
                _ = try await index.delete(ids: ["s\(segment - 1)-2", "s\(segment)-3"])
                live["s\(segment - 1)-2"] = nil
                live["s\(segment)-3"] = nil
            }
            try await index.commit()
        }
        // Forty documents in a row deleted: chunks of at most 16 scanned IDs come back empty.
        _ = try await index.delete(ids: (10..<50).map { "s2-\($0)" })
        for n in 10..<50 { live["s2-\(n)"] = nil }
        try await index.commit()
        let snapshot = index.snapshot()
        #expect(snapshot.segments.count >= 2)

        var cursor = LiveDocumentCursor(snapshot: snapshot)
        let chunks = try Self.drain(&cursor, maxBytes: 200, maxScanned: 16)
        let exported = chunks.flatMap { $0 }
        #expect(exported.count == live.count)
        #expect(cursor.returned == live.count)
        #expect(Dictionary(uniqueKeysWithValues: exported.map { ($0.id, $0) }) == live)
        #expect(chunks.contains { $0.isEmpty })
        #expect(chunks.allSatisfy { $0.count <= 16 })
        // A chunk stops at the first document that reaches maxBytes.
        var small = LiveDocumentCursor(snapshot: snapshot)
        #expect(try Self.drain(&small, maxBytes: 1).allSatisfy { $0.count <= 1 })
        try await catalog.close()
    }

    @Test func aCursorKeepsItsSnapshotThroughLaterWrites() async throws {
        let scratch = ScratchDirectory()
        let catalog = try await IndexCatalog(dataDirectory: scratch.file("data"), options: testOptions())
        let index = try #require(catalog.index(named: "default"))
        try await index.add((0..<20).map { document("a\($0)", "first") })
        try await index.commit()
        var cursor = LiveDocumentCursor(snapshot: index.snapshot())
        let first = try cursor.next(maxBytes: 1, maxScanned: 1)
        // Delete everything, add more, commit: the cursor still reads its own point in time.
        _ = try await index.delete(ids: (0..<20).map { "a\($0)" })
        try await index.add([document("b", "later")])
        try await index.commit()
        let rest = try Self.drain(&cursor, maxBytes: 1 << 16).flatMap { $0 }
        #expect((first + rest).map(\.id) == (0..<20).map { "a\($0)" })
        var empty = LiveDocumentCursor(snapshot: .empty)
        #expect(empty.isFinished)
        #expect(try empty.next(maxBytes: 10).isEmpty)
        try await catalog.close()
    }
}
