import Foundation
import SouAnalysis
import SouDocument
import SouFormat
import SouIndex
import SouTestSupport
import Testing

@testable import SouQuery

/// Sou's BM25 scores equal a straightforward reference computation.
@Suite(.offCooperativePool) struct BM25Tests {
    static let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]

    static func corpus(seed: UInt64) -> [Document] {
        var random = SplitMix64(seed: seed)
        return (0..<60).map { index in
            let length = Int(random.next() % 30) + 1
            let body = (0..<length).map { _ in words[Int(random.next() % UInt64(words.count))] }
            return Document(id: "d\(index)", fields: [Document.Field(name: "body", value: body.joined(separator: " "))])
        }
    }

    /// The textbook formula, in Double, over whitespace-split words.
    static func referenceScores(
        term: String,
        documents: [Document],
        k1: Double = 1.2,
        b: Double = 0.75
    )
        -> [String: Double]
    {
        let tokenized = documents.map { ($0.id, $0.fields[0].value.split(separator: " ").map(String.init)) }
        let n = Double(tokenized.count)
        let df = Double(tokenized.filter { $0.1.contains(term) }.count)
        let averageLength = Double(tokenized.reduce(0) { $0 + $1.1.count }) / n
        let idf = log(1 + (n - df + 0.5) / (df + 0.5))
        var scores: [String: Double] = [:]
        for (id, words) in tokenized {
            let tf = Double(words.filter { $0 == term }.count)
            guard tf > 0 else { continue }
            let length = Double(words.count)
            scores[id] = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / averageLength))
        }
        return scores
    }

    /// One leaf of the reference: which index terms it stands for (a lone CJK character: its
    /// unigram and bigrams, per `QuerySlot.matches`; `word*`: every word term it begins).
    static func leafMatcher(_ text: String) -> (String) -> Bool {
        if text.hasSuffix("*") {
            let prefix = String(text.dropLast())
            return { term in term.hasPrefix(prefix) }
        }
        let slots = Analyzer().querySlots(text)
        precondition(slots.count == 1, "one-slot leaves only: \(text)")
        return { term in slots[0].matches(term) }
    }

    /// The textbook formula over the analyzer's tokens of field `body`, for a one-slot leaf that
    /// may stand for several terms: tf is the number of the field's tokens the leaf matches (the
    /// terms' frequencies added), df the number of documents with at least one such token, the
    /// field length its last position + 1.
    static func referenceLeafScores(
        _ leaf: String,
        documents: [Document],
        k1: Double = 1.2,
        b: Double = 0.75
    ) -> [String: Double] {
        let analyzer = Analyzer()
        let matches = leafMatcher(leaf)
        let tokenized = documents.map { document in (document.id, analyzer.tokens(document.fields[0].value)) }
        let lengths = tokenized.map { Double(($0.1.map(\.position).max() ?? -1) + 1) }
        let withField = lengths.filter { $0 > 0 }
        let averageLength = withField.reduce(0, +) / Double(max(withField.count, 1))
        let n = Double(tokenized.count)
        let frequencies = tokenized.map { Double($0.1.filter { matches($0.term) }.count) }
        // Distinct documents containing the leaf, however many of its terms each holds.
        let df = Double(frequencies.filter { $0 > 0 }.count)
        let idf = log(1 + (n - df + 0.5) / (df + 0.5))
        var scores: [String: Double] = [:]
        for (index, (id, _)) in tokenized.enumerated() where frequencies[index] > 0 {
            let tf = frequencies[index]
            scores[id] = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[index] / averageLength))
        }
        return scores
    }

    /// The repro of the summed-df bug: `中` occurs only in x1, yet its expansion has three terms
    /// (中文 中国 中心); x5's `中́` (with a combining mark) is not `中`. df(中) must be 1, so
    /// x1 gets the larger idf and ranks first.
    /// A bound for an ended list (frequency 0) is 0, not 0/0 when k1 = 0: a NaN bound never
    /// compares below the k-th score, so it would stop every window from being skipped.
    @Test func boundOfNoFrequencyIsZeroForEveryK1() {
        for k1: Float in [0, 1.2, 1000] {
            for b: Float in [0, 0.75, 1] {
                let weight = BM25Weight(idf: 2, boost: 1, averageLength: 10, parameters: .init(k1: k1, b: b))
                #expect(weight.bound(frequency: 0, fieldLength: .max) == 0)
                #expect(weight.bound(frequency: 3, fieldLength: 7) == weight.score(frequency: 3, fieldLength: 7))
            }
        }
    }

    @Test func loneCharacterDfCountsDocumentsNotTerms() throws {
        let documents = [
            ("x1", "中文中国中心"), ("x2", "山水"), ("x3", "山河"), ("x4", "木"), ("x5", "中\u{301}文"),
        ].map { Document(id: $0.0, fields: [Document.Field(name: "body", value: $0.1)]) }
        // N = 5, field lengths 6 2 2 1 2 (avgdl 13/5); x1: tf(中) = 3, df(中) = 1.
        let n = 5.0
        let averageLength = 13.0 / 5
        func score(tf: Double, df: Double, length: Double) -> Double {
            log(1 + (n - df + 0.5) / (df + 0.5)) * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / averageLength))
        }
        let x1 = score(tf: 1 + 1 + 1, df: 1, length: 6)  // ≈ 1.7016
        let mountain = score(tf: 1, df: 2, length: 2)
        #expect(abs(x1 - 1.7016) < 1e-4)
        for segments in [1, 2] {
            let fixture = try SnapshotFixture(documents: documents, segmentCount: segments)
            let result = try Searcher(snapshot: fixture.snapshot).search("中 OR 山", options: .init(snippets: false))
            #expect(result.total == 3)
            #expect(result.hits.map(\.id).first == "x1", "segments \(segments)")
            let scores = Dictionary(uniqueKeysWithValues: result.hits.map { ($0.id, Double($0.score)) })
            #expect(abs((scores["x1"] ?? 0) - x1) < 1e-4, "segments \(segments): \(scores)")
            #expect(abs((scores["x2"] ?? 0) - mountain) < 1e-4, "segments \(segments): \(scores)")
            #expect(abs((scores["x3"] ?? 0) - mountain) < 1e-4, "segments \(segments): \(scores)")
        }
    }

    /// The same statistics when the expanded terms have few postings in a large segment (the
    /// union df then sorts doc ids instead of filling a bitset), with deletions, and COUNT
    /// (which gathers no statistics) agrees on the total.
    @Test func loneCharacterDfInALargeSegmentWithFewPostings() throws {
        let filler = (0..<2_000).map {
            Document(id: "f\($0)", fields: [Document.Field(name: "body", value: "filler \($0 % 7)")])
        }
        let rare = [("r1", "中文中国"), ("r2", "中心"), ("r3", "中国"), ("gone", "中文")]
            .map { Document(id: $0.0, fields: [Document.Field(name: "body", value: $0.1)]) }
        let fixture = try SnapshotFixture(documents: filler + rare, deletedIDs: ["gone"])
        let searcher = Searcher(snapshot: fixture.snapshot)
        let result = try searcher.search("中", options: .init(snippets: false))
        #expect(Set(result.hits.map(\.id)) == ["r1", "r2", "r3"])
        #expect(try searcher.count("中") == 3)
        // df(中) = 3 live documents (not 5 postings of 中文, 中国, 中心), N = 2,003.
        let expectedIDF = log(1 + (2_003.0 - 3 + 0.5) / (3 + 0.5))
        let weight = try QueryWeight.Statistics(
            terms: TermLookup(snapshot: fixture.snapshot, maxExpansions: 1_000, deadline: QueryDeadline(nil)),
            parameters: .init(),
            boosts: [:],
            allFields: ["body"]
        ).weight(of: QueryLeaf(field: nil, text: "中", analyzer: Analyzer()), field: "body")
        let idf = Double(weight.weight) / Double(BM25Parameters().k1 + 1)  // boost 1
        #expect(abs(idf - expectedIDF) < 1e-4, "\(idf) vs \(expectedIDF)")
    }

    /// Words, their prefixes and CJK text whose characters start several bigrams (also with a
    /// combining mark on one 中, which a lone 中 must not match).
    static let mixedPieces = [
        "alpha", "alps", "alto", "beta", "better", "bet", "gamma", "game",
        "中文", "中国", "中心", "中", "山水", "山河", "山", "水中", "文中国", "中\u{301}文", "大同日报", "同",
    ]

    static func mixedCorpus(seed: UInt64, count: Int = 80) -> [Document] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { index in
            let length = Int(random.next() % 12) + 1
            var text = ""
            for piece in 0..<length {
                // No separator joins CJK pieces into one run (more bigrams per character).
                if piece > 0 { text += [" ", "", "，"][Int(random.next() % 3)] }
                text += mixedPieces[Int(random.next() % UInt64(mixedPieces.count))]
            }
            return Document(id: "m\(index)", fields: [Document.Field(name: "body", value: text)])
        }
    }

    /// Random queries of single terms, lone CJK characters and prefixes, alone, ORed and ANDed,
    /// over several segments with deletions: every score equals the reference sum of its
    /// matched leaves' scores, with df the distinct live documents containing each leaf.
    @Test func expandedLeafScoresEqualReference() throws {
        let seed: UInt64 = 0xDF_0C
        print("BM25Tests expanded seed", seed)
        let documents = Self.mixedCorpus(seed: seed)
        var random = SplitMix64(seed: seed ^ 0x5EED)
        let deleted = Set(documents.map(\.id).filter { _ in random.next() % 5 == 0 })
        let live = documents.filter { !deleted.contains($0.id) }
        let leaves = ["中", "山", "文", "同", "水", "国", "al*", "bet*", "ga*", "a*", "alpha", "中文", "大同", "beta", "心"]
        var compared = 0
        for segments in [1, 3] {
            let fixture = try SnapshotFixture(documents: documents, segmentCount: segments, deletedIDs: deleted)
            let searcher = Searcher(snapshot: fixture.snapshot)
            for round in 0..<40 {
                let a = leaves[Int(random.next() % UInt64(leaves.count))]
                let b = leaves[Int(random.next() % UInt64(leaves.count))]
                let first = Self.referenceLeafScores(a, documents: live)
                let second = Self.referenceLeafScores(b, documents: live)
                let (query, expected): (String, [String: Double])
                switch round % 3 {
                case 0: (query, expected) = (a, first)
                case 1: (query, expected) = ("\(a) OR \(b)", first.merging(second, uniquingKeysWith: +))
                default:
                    (query, expected) = (
                        "\(a) \(b)",
                        first.filter { second[$0.key] != nil }.merging(
                            second.filter { first[$0.key] != nil },
                            uniquingKeysWith: +
                        )
                    )
                }
                let result = try searcher.search(query, options: SearchOptions(limit: 1000, snippets: false))
                #expect(result.total == expected.count, "\(query) segments \(segments)")
                #expect(Set(result.hits.map(\.id)) == Set(expected.keys), "\(query) segments \(segments)")
                for hit in result.hits {
                    let reference = try #require(expected[hit.id], "\(query) \(hit.id)")
                    #expect(
                        abs(Double(hit.score) - reference) < 1e-4 * max(1, reference),
                        "\(query) segments \(segments) \(hit.id): \(hit.score) vs \(reference)"
                    )
                    compared += 1
                }
            }
        }
        #expect(compared > 300)
    }

    @Test func singleTermScoresEqualReference() throws {
        let seed: UInt64 = 0xB325
        print("BM25Tests seed", seed)
        let documents = Self.corpus(seed: seed)
        for segments in [1, 3] {
            let fixture = try SnapshotFixture(documents: documents, segmentCount: segments)
            let searcher = Searcher(snapshot: fixture.snapshot)
            for term in Self.words {
                let expected = Self.referenceScores(term: term, documents: documents)
                let result = try searcher.search(term, options: SearchOptions(limit: 100, snippets: false))
                #expect(result.total == expected.count)
                for hit in result.hits {
                    let reference = try #require(expected[hit.id])
                    #expect(abs(Double(hit.score) - reference) < 1e-4, "\(term) \(hit.id)")
                }
            }
        }
    }

    /// k1 and b are parameters: every setting gives the reference scores for that setting.
    @Test(arguments: [(Float(2.0), Float(0.3)), (0.5, 1.0), (1.2, 0.0), (0.0, 0.75), (3.0, 0.9)])
    func k1AndBAreConfigurable(k1: Float, b: Float) throws {
        let documents = Self.corpus(seed: 0xB1B1)
        let fixture = try SnapshotFixture(documents: documents, segmentCount: 2)
        let searcher = Searcher(snapshot: fixture.snapshot, parameters: BM25Parameters(k1: k1, b: b))
        var compared = 0
        for term in Self.words {
            let expected = Self.referenceScores(term: term, documents: documents, k1: Double(k1), b: Double(b))
            let result = try searcher.search(term, options: SearchOptions(limit: 100, snippets: false))
            #expect(result.total == expected.count)
            #expect(Set(result.hits.map(\.id)) == Set(expected.keys))
            for hit in result.hits {
                let reference = try #require(expected[hit.id])
                #expect(abs(Double(hit.score) - reference) < 1e-4, "k1 \(k1) b \(b) \(term) \(hit.id)")
                compared += 1
            }
        }
        #expect(compared > 100)
        // Different parameters really give different scores (unless k1 = 0, where tf and length drop out).
        let defaults = try Searcher(snapshot: fixture.snapshot).search(
            "alpha",
            options: .init(limit: 100, snippets: false)
        )
        let custom = try searcher.search("alpha", options: .init(limit: 100, snippets: false))
        if k1 != 1.2 || b != 0.75 { #expect(defaults.hits.map(\.score) != custom.hits.map(\.score)) }
    }

    @Test func parametersOutsideTheirRangesAreClamped() {
        #expect(BM25Parameters(k1: -1, b: 2) == BM25Parameters(k1: 0, b: 1))
        #expect(BM25Parameters(k1: .nan, b: .nan) == BM25Parameters())
        #expect(BM25Parameters(k1: .infinity, b: -0.5) == BM25Parameters(k1: 1000, b: 0))
    }

    @Test func conjunctionScoreIsTheSumOfTermScores() throws {
        let documents = Self.corpus(seed: 7)
        let fixture = try SnapshotFixture(documents: documents)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let alpha = Self.referenceScores(term: "alpha", documents: documents)
        let beta = Self.referenceScores(term: "beta", documents: documents)
        let result = try searcher.search("alpha beta", options: SearchOptions(limit: 100, snippets: false))
        #expect(result.total == Set(alpha.keys).intersection(beta.keys).count)
        for hit in result.hits {
            let reference = try #require(alpha[hit.id]) + (try #require(beta[hit.id]))
            #expect(abs(Double(hit.score) - reference) < 1e-4)
        }
    }

    @Test func deletedDocumentsLeaveStatisticsAndResults() throws {
        let documents = Self.corpus(seed: 11)
        let deleted: Set<String> = ["d1", "d2", "d3", "d10", "d40"]
        let fixture = try SnapshotFixture(documents: documents, segmentCount: 2, deletedIDs: deleted)
        let live = documents.filter { !deleted.contains($0.id) }
        let searcher = Searcher(snapshot: fixture.snapshot)
        let expected = Self.referenceScores(term: "gamma", documents: live)
        let result = try searcher.search("gamma", options: SearchOptions(limit: 100, snippets: false))
        #expect(result.total == expected.count)
        for hit in result.hits {
            #expect(!deleted.contains(hit.id))
            #expect(abs(Double(hit.score) - (try #require(expected[hit.id]))) < 1e-4)
        }
    }

    @Test func fieldBoostMultipliesTheFieldScore() throws {
        let documents = [
            Document(id: "a", fields: [.init(name: "title", value: "alpha"), .init(name: "body", value: "beta")]),
            Document(id: "b", fields: [.init(name: "title", value: "beta"), .init(name: "body", value: "alpha")]),
            Document(id: "c", fields: [.init(name: "title", value: "gamma"), .init(name: "body", value: "gamma")]),
        ]
        let fixture = try SnapshotFixture(documents: documents)
        let plain = try Searcher(snapshot: fixture.snapshot).search("alpha", options: .init(snippets: false))
        #expect(plain.hits.count == 2)
        #expect(abs(plain.hits[0].score - plain.hits[1].score) < 1e-5)
        let boosted = try Searcher(snapshot: fixture.snapshot, boosts: ["title": 3]).search(
            "alpha",
            options: .init(snippets: false)
        )
        #expect(boosted.hits.first?.id == "a")
        #expect(abs(boosted.hits[0].score - 3 * boosted.hits[1].score) < 1e-4)
    }
}
