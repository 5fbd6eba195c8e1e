import Foundation
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

    /// Past the total threshold the search skims (skips whole windows of postings by their
    /// block-max bounds): for every query class and threshold the hits and scores are the
    /// exhaustive ones, and the total is exact up to the threshold and the threshold (a lower
    /// bound) past it.
    @Test func skimmingPastTheThresholdEqualsExhaustiveTopK() throws {
        let seed: UInt64 = 0x5C1A
        print("PruningTests skimming seed", seed)
        var random = SplitMix64(seed: seed)
        let base = try SeedCorpus.paragraphDocuments()
        let documents = (0..<4).flatMap { copy in
            base.map { Document(id: "\(copy)-\($0.id)", fields: $0.fields) }
        }
        let deleted = Set(documents.enumerated().filter { $0.offset % 11 == 4 }.map(\.element.id))
        let fixture = try SnapshotFixture(documents: documents, segmentCount: 3, deletedIDs: deleted)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let analyzer = Analyzer()
        let tokens = base.prefix(300).flatMap { analyzer.tokens($0.fields[0].value) }
        let words = Array(Set(tokens.filter { $0.kind == .word }.map(\.term))).sorted()
        let bigrams = Array(Set(tokens.filter { $0.kind == .cjkBigram }.map(\.term))).sorted()
        func pick(_ list: [String]) -> String { list[Int(random.next() % UInt64(list.count))] }
        func leaf() -> String {
            switch random.next() % 6 {
            case 0: return pick(words)
            case 1: return String(pick(bigrams).prefix(1))  // a lone CJK character
            case 2:
                let word = pick(words.filter { $0.count >= 3 })
                return String(word.prefix(2)) + "*"
            case 3: return "\"\(pick(bigrams)) \(pick(bigrams))\""
            default: return pick(bigrams)
            }
        }
        var skimmedScored = 0
        var exactScored = 0
        var skimmedRounds = 0
        for round in 0..<400 {
            let query: String
            switch random.next() % 5 {
            case 0: query = "\(leaf()) OR \(leaf()) OR \(leaf())"
            case 1: query = "\(leaf()) \(leaf())"
            case 2: query = "\(leaf()) -\(pick(words))"
            default: query = leaf()
            }
            let threshold = [0, 1, 10, 100, 1000][Int(random.next() % 5)]
            let limit = Int(random.next() % 12)
            let offset = Int(random.next() % 3)
            var options = SearchOptions(limit: limit, offset: offset, snippets: false, totalThreshold: threshold)
            let skimmed = try searcher.search(query, options: options)
            options.totalThreshold = nil
            let pruned = try searcher.search(query, options: options)
            options.pruning = false
            let exhaustive = try searcher.search(query, options: options)
            let context = "round \(round): \(query) threshold \(threshold) limit \(limit) offset \(offset)"
            #expect(skimmed.hits == exhaustive.hits, "\(context)")
            // Exact up to the threshold; past it a lower bound at least the threshold, unless
            // the total was known without counting (a single slot): then exact.
            if skimmed.totalIsExact {
                #expect(skimmed.total == exhaustive.total, "\(context)")
            } else {
                #expect(exhaustive.total > threshold, "\(context)")
                #expect(skimmed.total >= threshold && skimmed.total <= exhaustive.total, "\(context)")
            }
            #expect(exhaustive.totalIsExact)
            #expect(try searcher.count(query) == exhaustive.total, "\(context)")
            #expect(pruned.hits == exhaustive.hits && pruned.total == exhaustive.total, "\(context)")
            if (!skimmed.totalIsExact || exhaustive.total > threshold) && limit > 0 {
                skimmedRounds += 1
                skimmedScored += skimmed.visitedDocuments
                exactScored += pruned.visitedDocuments
            }
        }
        // Four copies of each document tie with the k-th best in every later block: little can
        // be skipped here (see the next test), but the results must be exact.
        print("skimming in", skimmedRounds, "rounds: visited", skimmedScored, "with exact totals", exactScored)
        #expect(skimmedRounds > 50)
    }

    /// On documents with natural length and term statistics (log-normal lengths, Zipf word
    /// ranks), skimming mid-frequency terms skips whole blocks by their impacts, with the
    /// same hits.
    @Test func skimmingSkipsMostOfAFrequentTerm() throws {
        var random = SplitMix64(seed: 0x5C1B)
        func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        let vocabulary = (0..<3_000).map { "w\($0)" }
        // Zipf (s = 1) by inverse transform over the cumulative weights.
        var cumulative: [Double] = []
        var sum = 0.0
        for rank in 1...vocabulary.count {
            sum += 1 / Double(rank)
            cumulative.append(sum)
        }
        func word() -> String {
            let target = uniform() * sum
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] < target { low = middle + 1 } else { high = middle }
            }
            return vocabulary[low]
        }
        let documents = (0..<8_000).map { number -> Document in
            // Log-normal length: median 60 words, σ ≈ 0.8 (a sum of uniforms is near-normal).
            let normal = (0..<6).reduce(0.0) { sum, _ in sum + uniform() } - 3
            let length = max(5, min(3_000, Int(60 * exp(0.8 * normal * 1.41))))
            let text = (0..<length).map { _ in word() }.joined(separator: " ")
            return Document(id: "g\(number)", fields: [.init(name: "body", value: text)])
        }
        let fixture = try SnapshotFixture(documents: documents)
        let searcher = Searcher(snapshot: fixture.snapshot)
        var skimmedVisits = 0
        var exactVisits = 0
        for term in vocabulary[20..<30] {
            let skimmed = try searcher.search(term, options: .init(limit: 10, snippets: false, totalThreshold: 100))
            var exhaustive = SearchOptions(limit: 10, snippets: false, totalThreshold: nil)
            exhaustive.pruning = false
            let exact = try searcher.search(term, options: exhaustive)
            #expect(skimmed.hits == exact.hits, "\(term)")
            #expect(skimmed.total == exact.total && exact.total > 1_000, "\(term): \(exact.total)")
            skimmedVisits += skimmed.visitedDocuments
            exactVisits += exact.visitedDocuments
        }
        print("mid-frequency terms: skimming visited", skimmedVisits, "of", exactVisits)
        // Disjunctions of a frequent and a rarer term (block-max MaxScore): the same hits, and
        // documents that only the low-bound term holds are passed over once the page is full.
        var orVisits = 0
        var orMatches = 0
        for (frequent, rare) in [(3, 400), (5, 900), (8, 1_500), (12, 2_500), (20, 2_900)] {
            let query = "\(vocabulary[frequent]) OR \(vocabulary[rare])"
            let skimmed = try searcher.search(query, options: .init(limit: 5, snippets: false, totalThreshold: 0))
            var exhaustive = SearchOptions(limit: 5, snippets: false, totalThreshold: nil)
            exhaustive.pruning = false
            let exact = try searcher.search(query, options: exhaustive)
            #expect(skimmed.hits == exact.hits, "\(query)")
            orVisits += skimmed.visitedDocuments
            orMatches += exact.total
        }
        print("disjunctions: skimming visited", orVisits, "of", orMatches, "matches")
        #expect(orVisits < orMatches)
        // 70 % here (23 blocks a term); the share skipped grows with the length of the list.
        #expect(skimmedVisits * 4 < exactVisits * 3, "skimming skips at least a quarter of the matches")
    }
}
