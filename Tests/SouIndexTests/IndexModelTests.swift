import SouDocument
import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

/// Random upserts, deletes, commits, merges and reopens, checked against a dictionary.
@Suite(.offCooperativePool) struct IndexModelTests {
    static let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]

    func randomDocument(_ id: String, _ random: inout SplitMix64) -> Document {
        let count = Int.random(in: 1...6, using: &random)
        let body = (0..<count).map { _ in Self.words.randomElement(using: &random)! }.joined(separator: " ")
        var fields = [Document.Field(name: "body", value: body)]
        if Bool.random(using: &random) {
            fields.append(Document.Field(name: "title", value: Self.words.randomElement(using: &random)!))
        }
        return Document(id: id, fields: fields)
    }

    /// Compares every search and every document with a brute-force scan of the model.
    func check(_ index: Index, against model: [String: Document], seed: UInt64, step: Int) throws {
        let snapshot = index.snapshot()
        #expect(snapshot.liveDocumentCount == model.count, "seed \(seed) step \(step)")
        #expect(index.stats().documents == model.count)
        for field in ["body", "title"] {
            for word in Self.words {
                let expected = Set(
                    model.values.filter { document in
                        document.fields.contains {
                            $0.name == field && $0.value.split(separator: " ").contains(Substring(word))
                        }
                    }.map(\.id)
                )
                let found = try search(snapshot, field: field, term: word)
                #expect(found == expected, "seed \(seed) step \(step): \(field):\(word)")
            }
        }
        for id in (0..<40).map({ "doc\($0)" }) {
            #expect(try snapshot.document(id: id) == model[id], "seed \(seed) step \(step): \(id)")
        }
    }

    @Test func randomOperationsMatchModel() async throws {
        // SOU_SEED=<n> replays a failing run.
        let seed = testSeed()
        print("IndexModelTests seed", seed)
        var random = SplitMix64(seed: seed)
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let options = testOptions(
            merge: .init(segmentsPerTier: 2, maxMergeAtOnce: 3, floorSegmentBytes: 1 << 20, maxConcurrentMerges: 2)
        )
        var catalog = try await IndexCatalog(dataDirectory: path, options: options)
        var index = try #require(catalog.index(named: "default"))
        var committed: [String: Document] = [:]
        var mergesBeforeReopens = 0  // stats count merges since the index was opened
        var model: [String: Document] = [:]
        for step in 0..<300 {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<45:
                let batch = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                    randomDocument("doc\(Int.random(in: 0..<40, using: &random))", &random)
                }
                try await index.add(batch)
                for document in batch { model[document.id] = document }
            case 45..<70:
                let ids = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                    "doc\(Int.random(in: 0..<40, using: &random))"
                }
                let existing = Set(ids).filter { model[$0] != nil }.count
                #expect(try await index.delete(ids: ids) == existing, "seed \(seed) step \(step)")
                for id in ids { model[id] = nil }
            case 70..<90:
                try await index.commit()
                committed = model
                try check(index, against: model, seed: seed, step: step)
            case 90..<93:
                // Between commits, readers see the last committed state.
                try check(index, against: committed, seed: seed, step: step)
            case 93..<95:
                // What a kill -9 now leaves on disk opens to the model: every acknowledged
                // upsert and delete replays from the log, in order, exactly once.
                let crashed = try crashCopy(of: path)
                let recovered = try await IndexCatalog(dataDirectory: crashed.path, options: options)
                try check(try #require(recovered.index(named: "default")), against: model, seed: seed, step: step)
                try await recovered.close()
            default:
                mergesBeforeReopens += index.stats().mergesDone
                try await catalog.close()
                catalog = try await IndexCatalog(dataDirectory: path, options: options)
                index = try #require(catalog.index(named: "default"))
                committed = model
                try check(index, against: model, seed: seed, step: step)
            }
        }
        try await waitForMerges(index)
        try check(index, against: model, seed: seed, step: -1)
        #expect(mergesBeforeReopens + index.stats().mergesDone > 0, "seed \(seed): no merge ran")
        print("IndexModelTests merges done:", index.stats().mergesDone, "segments:", index.stats().segments)
        try await catalog.close()
    }
}
