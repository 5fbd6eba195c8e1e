import SouDocument
import SouFormat
import SouIndex
import SouQuery
import SouTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Random upserts, deletes, commits and background merges through `IndexCatalog`, then
/// real queries through `Searcher`: totals and hit sets equal a brute-force scan of the
/// model, and scores equal those of a fresh index holding only the live documents (deleted
/// and replaced versions leave no trace in totals or scores).
@Suite(.offCooperativePool) struct LifecycleSearchTests {
    static let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "大同", "教育", "日报"]

    func randomDocument(_ id: String, _ random: inout SplitMix64) -> Document {
        func text(_ count: Int) -> String {
            (0..<count).map { _ in Self.words.randomElement(using: &random)! }.joined(separator: " ")
        }
        var fields = [Document.Field(name: "body", value: text(Int.random(in: 1...8, using: &random)))]
        if Bool.random(using: &random) {
            fields.append(.init(name: "title", value: text(Int.random(in: 1...2, using: &random))))
        }
        return Document(id: id, fields: fields)
    }

    /// Documents of `model` that have `word` as a whole space-separated token in any field.
    func having(_ word: String, _ model: [String: Document]) -> Set<String> {
        Set(
            model.values.filter { $0.fields.contains { $0.value.split(separator: " ").contains(Substring(word)) } }.map(
                \.id
            )
        )
    }

    func check(
        _ snapshot: Snapshot,
        _ model: [String: Document],
        seed: UInt64,
        step: Int,
        random: inout SplitMix64
    ) throws {
        let searcher = Searcher(snapshot: snapshot)
        let fresh = try SnapshotFixture(documents: model.keys.sorted().map { model[$0]! })
        let reference = Searcher(snapshot: fresh.snapshot)
        let all = Set(model.keys)
        for _ in 0..<6 {
            let a = Self.words.randomElement(using: &random)!
            let b = Self.words.randomElement(using: &random)!
            let cases: [(String, Set<String>)] = [
                (a, having(a, model)),
                ("\(a) \(b)", having(a, model).intersection(having(b, model))),
                ("\(a) OR \(b)", having(a, model).union(having(b, model))),
                ("\(a) -\(b)", having(a, model).subtracting(having(b, model))),
                ("-\(a) \(b)", having(b, model).subtracting(having(a, model)).intersection(all)),
            ]
            for (query, expected) in cases {
                let options = SearchOptions(limit: 1000, snippets: false)
                let result = try searcher.search(query, options: options)
                let context = "seed \(seed) step \(step): \(query)"
                #expect(result.total == expected.count, "\(context)")
                #expect(Set(result.hits.map(\.id)) == expected, "\(context)")
                let scores = Dictionary(
                    uniqueKeysWithValues: try reference.search(query, options: options).hits.map { ($0.id, $0.score) }
                )
                for hit in result.hits {
                    let want = try #require(scores[hit.id], "\(context): \(hit.id)")
                    #expect(
                        abs(hit.score - want) <= 1e-4 * max(1, abs(want)),
                        "\(context): \(hit.id) \(hit.score) vs \(want)"
                    )
                }
            }
        }
    }

    @Test func randomLifecycleMatchesBruteForceAndFreshScores() async throws {
        let seed = testSeed()
        print("LifecycleSearchTests seed", seed)
        var random = SplitMix64(seed: seed)
        let directory = try TemporaryDirectory(prefix: "sou-lifecycle")
        let options = IndexOptions(
            refreshInterval: .seconds(3600),
            mergePolicy: .init(
                segmentsPerTier: 2,
                maxMergeAtOnce: 3,
                floorSegmentBytes: 1 << 20,
                maxConcurrentMerges: 2
            ),
            warningHandler: { _ in }
        )
        let catalog = try await IndexCatalog(dataDirectory: directory.appending("data"), options: options)
        let index = try #require(catalog.index(named: "default"))
        var model: [String: Document] = [:]
        for step in 0..<150 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                let batch = (0..<Int.random(in: 1...5, using: &random)).map { _ in
                    randomDocument("d\(Int.random(in: 0..<50, using: &random))", &random)
                }
                try await index.add(batch)
                for document in batch { model[document.id] = document }
            case 5..<7:
                let ids = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                    "d\(Int.random(in: 0..<50, using: &random))"
                }
                _ = try await index.delete(ids: ids)
                for id in ids { model[id] = nil }
            default:
                try await index.commit()
                try check(index.snapshot(), model, seed: seed, step: step, random: &random)
            }
        }
        for _ in 0..<30 where index.stats().mergesRunning > 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await index.commit()
        try check(index.snapshot(), model, seed: seed, step: -1, random: &random)
        print("LifecycleSearchTests: merges", index.stats().mergesDone, "segments", index.stats().segments)
        try await catalog.close()
    }
}
