import SouAnalysis
import SouFormat
import SouQuery
import SouTestSupport
import Testing

/// CJK substring queries on seeds/ must return exactly what a brute-force scan returns.
@Suite struct CJKSubstringTests {
    static let documents: [StoredDocument] = (try? SeedCorpus.paragraphDocuments()) ?? []

    /// Substrings of normalized CJK runs of the corpus, lengths 1–6, plus strings that are absent.
    static func sampleQueries(seed: UInt64, count: Int) -> [String] {
        var random = SplitMix64(seed: seed)
        let analyzer = Analyzer()
        let runs: [[Character]] = documents.flatMap { document in
            document.fields.flatMap { field in
                analyzer.normalize(field.value).split(whereSeparator: { !isCJK($0) }).map(Array.init)
            }
        }.filter { !$0.isEmpty }
        let alphabet = Array(Set(runs.joined()))
        var queries: [String] = []
        while queries.count < count {
            let length = Int(random.next() % 6) + 1
            if random.next() % 5 == 0 {
                // Random characters of the corpus: mostly absent as a contiguous string.
                queries.append(String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
                continue
            }
            let run = runs[Int(random.next() % UInt64(runs.count))]
            guard run.count >= length else { continue }
            let start = Int(random.next() % UInt64(run.count - length + 1))
            queries.append(String(run[start..<(start + length)]))
        }
        return queries
    }

    static func isCJK(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x3134F:
            return true
        default:
            return false
        }
    }

    func check(segmentCount: Int, deleted: Set<String>, seed: UInt64, count: Int) throws {
        print("CJKSubstringTests seed", seed)
        let documents = Self.documents
        #expect(documents.count > 100)
        let fixture = try SnapshotFixture(documents: documents, segmentCount: segmentCount, deletedIDs: deleted)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let oracle = BruteForceOracle(documents: documents.filter { !deleted.contains($0.id) })
        var absent = 0
        for query in Self.sampleQueries(seed: seed, count: count) {
            let expected = oracle.ids(containing: query)
            if expected.isEmpty { absent += 1 }
            let result = try searcher.search("\"\(query)\"", options: SearchOptions(limit: documents.count, snippets: false))
            #expect(result.total == expected.count, "query \(query)")
            #expect(Set(result.hits.map(\.id)) == expected, "query \(query)")
            #expect(try searcher.count(query) == expected.count, "count \(query)")
        }
        #expect(absent > 20, "the sample must include absent strings")
    }

    @Test func substringsMatchBruteForceInOneSegment() throws {
        try check(segmentCount: 1, deleted: [], seed: 0x5EED_0001, count: 2_000)
    }

    @Test func substringsMatchBruteForceAcrossSegmentsWithDeletions() throws {
        let deleted = Set(Self.documents.enumerated().filter { $0.offset % 7 == 3 }.map(\.element.id))
        try check(segmentCount: 3, deleted: deleted, seed: 0x5EED_0002, count: 600)
    }
}
