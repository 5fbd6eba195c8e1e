import SouDocument
import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

/// A refresh builds its segments before it takes the commit gate (`IndexWriter+Refresh`):
/// the built segments are committed with the documents that arrived meanwhile, documents a
/// write replaced or removed meanwhile are deleted in them, they are dropped if a commit
/// took the buffer first, and writes racing refreshes end in exactly the state their order
/// says.
@Suite(.offCooperativePool, .timeLimit(.minutes(10))) struct BackgroundRefreshTests {
    private func options() -> IndexOptions {
        var options = testOptions(merge: .init(segmentsPerTier: 3, maxMergeAtOnce: 3, floorSegmentBytes: 1 << 20))
        options.minimumPartBytes = 1  // every refresh builds outside the gate
        return options
    }

    /// Files of the index directory beyond the manifest's (and the logs): none may stay.
    private func strayFiles(_ directory: String) throws -> Set<String> {
        let manifest = try #require(try Manifest.read(directory: directory))
        return Set(try SystemCalls.listDirectory(directory).filter { !$0.hasPrefix("wal-") })
            .subtracting(manifest.referencedFiles.union([Manifest.fileName]))
    }

    @Test func builtSegmentsAreCommittedWithTheDocumentsThatArrivedMeanwhile() async throws {
        let scratch = ScratchDirectory()
        let catalog = try await IndexCatalog(dataDirectory: scratch.file("data"), options: options())
        let index = try #require(catalog.index(named: "default"))
        try await index.add((0..<50).map { document("a\($0)", "first batch \($0)") })
        let builtSegments: Int
        do {
            let prebuilt = try #require(await index.writer.buildOutsideGate())
            builtSegments = prebuilt.segments.count
            // Arrived while the segments were built.
            try await index.add((0..<5).map { document("b\($0)", "second batch \($0)") })
            await index.writer.acquireGate()
            try await index.writer.commitLocked(force: false, prebuilt: prebuilt)
            await index.writer.releaseGate()
        }
        #expect(await index.writer.prebuiltCommitted == 1)
        #expect(await index.writer.prebuiltDiscarded == 0)
        let snapshot = index.snapshot()
        #expect(snapshot.liveDocumentCount == 55)
        #expect(try search(snapshot, field: "body", term: "first").count == 50)
        #expect(try search(snapshot, field: "body", term: "second").count == 5)
        // The built segments hold the first batch only; the second became more segments.
        let counts = snapshot.segments.map { $0.reader.documentCount }
        #expect(counts.prefix(builtSegments).reduce(0, +) == 50 && counts.dropFirst(builtSegments).reduce(0, +) == 5)
        try await catalog.close()
        #expect(try strayFiles(scratch.file("data") + "/default").isEmpty)
    }

    @Test(arguments: ["replace", "delete", "commit"])
    func documentsChangedDuringTheBuild(change: String) async throws {
        let scratch = ScratchDirectory()
        let catalog = try await IndexCatalog(dataDirectory: scratch.file("data"), options: options())
        let index = try #require(catalog.index(named: "default"))
        try await index.add((0..<20).map { document("d\($0)", "old text \($0)") })
        do {
            let prebuilt = try #require(await index.writer.buildOutsideGate())
            switch change {
            case "replace": try await index.add([document("d7", "new text")])
            case "delete": #expect(try await index.delete(ids: ["d7"]) == 1)
            default: try await index.commit()  // commits the buffer itself: the built segments go
            }
            await index.writer.acquireGate()
            try await index.writer.commitLocked(force: false, prebuilt: prebuilt)
            await index.writer.releaseGate()
        }
        #expect(await index.writer.prebuiltDiscarded == (change == "commit" ? 1 : 0))
        #expect(await index.writer.prebuiltCommitted == (change == "commit" ? 0 : 1))
        let snapshot = index.snapshot()
        let old = try search(snapshot, field: "body", term: "old")
        switch change {
        case "replace":
            #expect(old.count == 19 && !old.contains("d7"))
            #expect(try search(snapshot, field: "body", term: "new") == ["d7"])
        case "delete":
            #expect(old.count == 19 && !old.contains("d7"))
        default:
            #expect(old.count == 20)
        }
        #expect(snapshot.liveDocumentCount == (change == "delete" ? 19 : 20))
        try await catalog.close()
        // The dropped segments' files are gone with their readers.
        #expect(try strayFiles(scratch.file("data") + "/default").isEmpty)
    }

    /// Four writers upsert and delete their own ids while refreshes run back to back; each
    /// id must end as its writer last left it, before and after a reopen.
    @Test func racingWritesAndRefreshesMatchTheModel() async throws {
        let seed = testSeed()
        print("BackgroundRefreshTests seed", seed)
        var random = SplitMix64(seed: seed)
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let catalog = try await IndexCatalog(dataDirectory: path, options: options())
        let index = try #require(catalog.index(named: "default"))
        let seeds = (0..<4).map { _ in random.next() }
        let model = try await withThrowingTaskGroup(of: [String: Document?].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var random = SplitMix64(seed: seeds[worker])
                    var model: [String: Document?] = [:]
                    for step in 0..<150 {
                        let id = "w\(worker)-\(random.nextInt(below: 30))"
                        if random.nextInt(below: 5) == 0 {
                            _ = try await index.delete(ids: [id])
                            model[id] = .some(nil)
                        } else {
                            let words = (0..<(1 + random.nextInt(below: 40))).map { _ in "w\(random.nextInt(below: 9))"
                            }
                            let document = document(id, words.joined(separator: " ") + " step\(step)")
                            try await index.add([document])
                            model[id] = document
                        }
                    }
                    return model
                }
            }
            group.addTask {
                for _ in 0..<80 { await index.writer.refresh() }
                return [:]
            }
            var all: [String: Document?] = [:]
            for try await part in group { all.merge(part) { $1 } }
            return all.compactMapValues { $0 }
        }
        try await index.commit()
        func expectModel(_ index: Index) throws {
            let snapshot = index.snapshot()
            #expect(snapshot.liveDocumentCount == model.count, "seed \(seed)")
            for worker in 0..<4 {
                for n in 0..<30 {
                    let id = "w\(worker)-\(n)"
                    #expect(try snapshot.document(id: id) == model[id], "seed \(seed): \(id)")
                }
            }
            for word in (0..<9).map({ "w\($0)" }) {
                let expected = Set(
                    model.values.filter { $0.fields[0].value.split(separator: " ").contains(Substring(word)) }.map(\.id)
                )
                #expect(try search(snapshot, field: "body", term: word) == expected, "seed \(seed): \(word)")
            }
        }
        try expectModel(index)
        let (committed, discarded) = (await index.writer.prebuiltCommitted, await index.writer.prebuiltDiscarded)
        print("BackgroundRefreshTests: built outside the gate, committed \(committed), dropped \(discarded)")
        try await catalog.close()
        #expect(try strayFiles(path + "/default").isEmpty, "seed \(seed)")
        let reopened = try await IndexCatalog(dataDirectory: path, options: options())
        try expectModel(try #require(reopened.index(named: "default")))
        try await reopened.close()
    }
}
