import SouAnalysis
import SouDocument
import SouFormat
import SouIndex
import SouQuery
import SouTestSupport
import Testing

/// CJK substring queries on seeds/ must return exactly what a brute-force scan returns.
@Suite(.offCooperativePool) struct CJKSubstringTests {
    static let documents: [Document] = (try? SeedCorpus.paragraphDocuments()) ?? []

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

    /// CJK characters that occur nowhere in seeds/ (checked below): queries containing them
    /// must find nothing, through the "term not in the dictionary" path.
    static let foreignCharacters: [Character] = ["龘", "齉", "𠀋", "ヴ", "뷁", "鱻", "靐"]

    /// Absent strings on purpose: a corpus substring with a foreign character inserted, and
    /// foreign characters alone (length 1 too).
    static func absentQueries(seed: UInt64, from present: [String]) -> [String] {
        var random = SplitMix64(seed: seed ^ 0xAB5E)
        return (0..<60).map { index in
            let foreign = foreignCharacters[index % foreignCharacters.count]
            guard index % 3 != 0 else { return String(repeating: foreign, count: index % 2 + 1) }
            var characters = Array(present[Int(random.next() % UInt64(present.count))].prefix(5))
            characters.insert(foreign, at: Int(random.next() % UInt64(characters.count + 1)))
            return String(characters)
        }
    }

    func check(segmentCount: Int, deleted: Set<String>, seed: UInt64, count: Int) throws {
        print("CJKSubstringTests seed", seed)
        let documents = Self.documents
        #expect(documents.count > 100)
        let fixture = try SnapshotFixture(documents: documents, segmentCount: segmentCount, deletedIDs: deleted)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let oracle = BruteForceOracle(documents: documents.filter { !deleted.contains($0.id) })
        let sampled = Self.sampleQueries(seed: seed, count: count)
        let queries = sampled + Self.absentQueries(seed: seed, from: sampled)
        // The sample really is what the test claims: enough strings, every length 1–6 well covered.
        #expect(queries.count >= count + 60)
        let lengths = Dictionary(grouping: sampled, by: \.count).mapValues(\.count)
        for length in 1...6 { #expect(lengths[length, default: 0] >= count / 12, "length \(length): \(lengths)") }
        #expect(lengths.keys.allSatisfy { (1...6).contains($0) })
        let corpusText = documents.flatMap(\.fields).map(\.value).joined()
        #expect(Self.foreignCharacters.allSatisfy { !corpusText.contains($0) })
        var absent = 0
        var nonEmpty = 0
        for (index, query) in queries.enumerated() {
            let expected = oracle.ids(containing: query)
            if expected.isEmpty { absent += 1 } else { nonEmpty += 1 }
            // Alternate the quoted (phrase) and bare (term) forms: both are substring searches.
            let text = index % 2 == 0 ? "\"\(query)\"" : query
            let result = try searcher.search(text, options: SearchOptions(limit: documents.count, snippets: false))
            #expect(result.total == expected.count, "query \(text)")
            #expect(Set(result.hits.map(\.id)) == expected, "query \(text)")
            #expect(try searcher.count(text) == expected.count, "count \(text)")
        }
        print("CJKSubstringTests: \(queries.count) queries, \(nonEmpty) found, \(absent) absent, lengths \(lengths)")
        #expect(absent >= 60 + count / 50, "the sample must include absent strings")
        #expect(nonEmpty >= count / 2, "most sampled substrings must be present")
    }

    @Test func substringsMatchBruteForceInOneSegment() throws {
        try check(segmentCount: 1, deleted: [], seed: 0x5EED_0001, count: 2_000)
    }

    @Test func substringsMatchBruteForceAcrossSegmentsWithDeletions() throws {
        let deleted = Set(Self.documents.enumerated().filter { $0.offset % 7 == 3 }.map(\.element.id))
        try check(segmentCount: 3, deleted: deleted, seed: 0x5EED_0002, count: 600)
    }
}
