import SouAnalysis
import SouDocument
import SouFormat
import SouIndex
import SouQuery
import SouTestSupport
import Testing

/// Block-max pruned top-k equals exhaustive top-k, and pruning really skips scoring.
@Suite(.offCooperativePool) struct PruningTests {
    @Test func prunedTopKEqualsExhaustiveTopK() throws {
        let seed: UInt64 = 0x9A11E
        print("PruningTests seed", seed)
        var random = SplitMix64(seed: seed)
        // Repeat the corpus so postings span several 128-doc blocks.
        let base = try SeedCorpus.paragraphDocuments()
        let documents = (0..<4).flatMap { copy in
            base.map { Document(id: "\(copy)-\($0.id)", fields: $0.fields) }
        }
        let fixture = try SnapshotFixture(documents: documents, segmentCount: 2)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let analyzer = Analyzer()
        let vocabulary = Array(Set(base.prefix(200).flatMap { analyzer.tokens($0.fields[0].value).map(\.term) }))
            .sorted()
        var prunedScored = 0
        var exhaustiveScored = 0
        for _ in 0..<500 {
            let termCount = Int(random.next() % 3) + 1
            let terms = (0..<termCount).map { _ in vocabulary[Int(random.next() % UInt64(vocabulary.count))] }
            let query = random.next() % 2 == 0 ? terms.joined(separator: " OR ") : terms.joined(separator: " ")
            let limit = Int(random.next() % 20) + 1
            var options = SearchOptions(limit: limit, snippets: false)
            let pruned = try searcher.search(query, options: options)
            options.pruning = false
            let exhaustive = try searcher.search(query, options: options)
            #expect(pruned.total == exhaustive.total, "\(query)")
            #expect(pruned.hits.map(\.id) == exhaustive.hits.map(\.id), "\(query)")
            #expect(pruned.hits.map(\.score) == exhaustive.hits.map(\.score), "\(query)")
            prunedScored += pruned.scoredDocuments
            exhaustiveScored += exhaustive.scoredDocuments
        }
        print("scored with pruning", prunedScored, "without", exhaustiveScored)
        #expect(prunedScored < exhaustiveScored)
    }

    /// Frequent terms and small k: block-max bounds leave most matching documents unscored,
    /// yet the totals and the ranking are exactly the exhaustive ones.
    @Test func frequentTermsSkipMostScoring() throws {
        let base = try SeedCorpus.paragraphDocuments()
        let documents = (0..<4).flatMap { copy in
            base.map { Document(id: "\(copy)-\($0.id)", fields: $0.fields) }
        }
        let fixture = try SnapshotFixture(documents: documents)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let analyzer = Analyzer()
        var frequency: [String: Int] = [:]
        for document in base {
            for term in Set(analyzer.tokens(document.fields[0].value).map(\.term)) { frequency[term, default: 0] += 1 }
        }
        let frequent = frequency.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(30).map(\.key)
        var pruned = 0
        var exhaustive = 0
        for (index, term) in frequent.enumerated() {
            let query = index % 3 == 2 ? "\(term) OR \(frequent[index - 1])" : term
            var options = SearchOptions(limit: 1 + index % 5, snippets: false)
            let fast = try searcher.search(query, options: options)
            options.pruning = false
            let slow = try searcher.search(query, options: options)
            #expect(fast.total == slow.total && fast.hits == slow.hits, "\(query)")
            #expect(slow.scoredDocuments == slow.total)
            pruned += fast.scoredDocuments
            exhaustive += slow.scoredDocuments
        }
        print("frequent terms: scored with pruning", pruned, "without", exhaustive)
        #expect(pruned * 2 < exhaustive, "pruning should skip most scoring: \(pruned) of \(exhaustive)")
    }
}
