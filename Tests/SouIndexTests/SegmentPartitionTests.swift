import SouDocument
import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

/// A commit's documents split into contiguous parts built at once: the parts cover every
/// document in order, a small commit stays one segment, a failed part leaves no file, and
/// an index whose commits split answers like one whose commits do not, also after reopening.
@Suite(.offCooperativePool) struct SegmentPartitionTests {
    @Test func partsAreContiguousBalancedAndBoundedBySize() {
        let documents = (0..<10).map { document("d\($0)", "text") }
        let ids = { (parts: [ArraySlice<Document>]) in parts.flatMap { $0.map(\.id) } }
        // Enough bytes for 3 parts of ≥ 100: 3 parts; the threads cap the count.
        let three = SegmentPartition.parts(of: documents, bytes: 300, threads: 3, minimumBytes: 100)
        #expect(three.map(\.count) == [3, 3, 4] && ids(three) == documents.map(\.id))
        #expect(SegmentPartition.parts(of: documents, bytes: 300, threads: 2, minimumBytes: 100).count == 2)
        // Too few bytes for two parts, or one thread: one part.
        #expect(SegmentPartition.parts(of: documents, bytes: 199, threads: 8, minimumBytes: 100).count == 1)
        #expect(SegmentPartition.parts(of: documents, bytes: 10_000, threads: 1, minimumBytes: 100).count == 1)
        // Never more parts than documents, never a part for no documents.
        #expect(
            SegmentPartition.parts(of: Array(documents.prefix(2)), bytes: 10_000, threads: 8, minimumBytes: 1).count
                == 2
        )
        #expect(SegmentPartition.parts(of: [], bytes: 10_000, threads: 8).isEmpty)
    }

    @Test func buildWritesEveryPartAndAFailureLeavesNoFile() throws {
        let scratch = ScratchDirectory()
        let documents = (0..<30).map { document("d\($0)", "shared words part\($0 / 10)") }
        let parts = [documents[0..<10], documents[10..<20], documents[20..<30]]
        let built = try SegmentPartition.build(parts, names: ["seg-1", "seg-2", "seg-3"], directory: scratch.path)
        #expect(built.map(\.0.name) == ["seg-1", "seg-2", "seg-3"])
        for (part, (info, reader)) in zip(parts, built) {
            #expect(info.documentCount == 10)
            #expect(try (0..<UInt32(10)).map { try reader.document($0).id } == part.map(\.id))
        }
        // The middle part is invalid (a duplicate field): nothing of any part stays.
        let failing = scratch.file("failing")
        try SystemCalls.makeDirectory(failing)
        let bad = Document(id: "bad", fields: [.init(name: "body", value: "a"), .init(name: "body", value: "b")])
        #expect(throws: IndexError.self) {
            try SegmentPartition.build(
                [documents[0..<10], [bad], documents[20..<30]],
                names: ["seg-1", "seg-2", "seg-3"],
                directory: failing
            )
        }
        #expect(try SystemCalls.listDirectory(failing).isEmpty)
    }

    @Test func splitCommitsSearchLikeUnsplitOnesAndSurviveReopen() async throws {
        let scratch = ScratchDirectory()
        var split = testOptions()
        split.indexingThreads = 3
        split.minimumPartBytes = 1
        let rounds = (0..<4).map { round in
            (0..<50).map { document("r\(round)-\($0 % 40)", "common words round\(round) item\($0)") }
        }
        var counts: [String: Int] = [:]
        for (label, options) in [("split", split), ("whole", testOptions())] {
            let path = scratch.file(label)
            let catalog = try await IndexCatalog(dataDirectory: path, options: options)
            let index = try #require(catalog.index(named: "default"))
            for (round, batch) in rounds.enumerated() {
                try await index.add(batch)
                try await index.commit()
                if round == 0 { #expect(index.stats().segments == (label == "split" ? 3 : 1)) }
            }
            // Upserts across the parts of earlier commits delete the older versions.
            try await index.add((0..<20).map { document("r0-\($0)", "replaced text") })
            try await index.commit()
            counts[label] = try search(index.snapshot(), field: "body", term: "common").count
            try await catalog.close()
            let reopened = try await IndexCatalog(dataDirectory: path, options: options)
            #expect(
                try search(reopened.index(named: "default")!.snapshot(), field: "body", term: "common").count
                    == counts[label]
            )
            #expect(
                try search(reopened.index(named: "default")!.snapshot(), field: "body", term: "replaced").count == 20
            )
            try await reopened.close()
        }
        // 4 rounds × 40 distinct ids, 20 of them replaced.
        #expect(counts["split"] == 140 && counts["whole"] == 140)
    }
}
