import Foundation
import SouFormat
import SouQuery
import SouTestSupport
import Testing

/// Sou's BM25 scores equal a straightforward reference computation.
@Suite struct BM25Tests {
    static let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]

    static func corpus(seed: UInt64) -> [StoredDocument] {
        var random = SplitMix64(seed: seed)
        return (0..<60).map { index in
            let length = Int(random.next() % 30) + 1
            let body = (0..<length).map { _ in words[Int(random.next() % UInt64(words.count))] }
            return StoredDocument(id: "d\(index)", fields: [StoredField(name: "body", value: body.joined(separator: " "))])
        }
    }

    /// The textbook formula, in Double, over whitespace-split words.
    static func referenceScores(term: String, documents: [StoredDocument], k1: Double = 1.2, b: Double = 0.75)
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
        let defaults = try Searcher(snapshot: fixture.snapshot).search("alpha", options: .init(limit: 100, snippets: false))
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
            StoredDocument(id: "a", fields: [.init(name: "title", value: "alpha"), .init(name: "body", value: "beta")]),
            StoredDocument(id: "b", fields: [.init(name: "title", value: "beta"), .init(name: "body", value: "alpha")]),
            StoredDocument(id: "c", fields: [.init(name: "title", value: "gamma"), .init(name: "body", value: "gamma")]),
        ]
        let fixture = try SnapshotFixture(documents: documents)
        let plain = try Searcher(snapshot: fixture.snapshot).search("alpha", options: .init(snippets: false))
        #expect(plain.hits.count == 2)
        #expect(abs(plain.hits[0].score - plain.hits[1].score) < 1e-5)
        let boosted = try Searcher(snapshot: fixture.snapshot, boosts: ["title": 3]).search("alpha", options: .init(snippets: false))
        #expect(boosted.hits.first?.id == "a")
        #expect(abs(boosted.hits[0].score - 3 * boosted.hits[1].score) < 1e-4)
    }
}
