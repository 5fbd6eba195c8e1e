import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

@Suite(.offCooperativePool) struct MergerTests {
    @Test func cancelledMergeWritesNothing() throws {
        let scratch = ScratchDirectory()
        var builder = SegmentBuilder()
        for n in 0..<20 { try builder.add(document("d\(n)", "text number\(n)")) }
        _ = try builder.write(to: scratch.path, name: "seg-1")
        let input = SegmentView(reader: try SegmentReader(directory: scratch.path, name: "seg-1"), deletions: nil)
        let cancellation = MergeCancellation()
        cancellation.cancel()
        #expect(throws: CancellationError.self) {
            try Merger.merge([input], directory: scratch.path, name: "seg-2", cancellation: cancellation)
        }
        #expect(try SystemCalls.listDirectory(scratch.path).allSatisfy { $0.hasPrefix("seg-1.") })
        let merged = try #require(try Merger.merge([input], directory: scratch.path, name: "seg-2"))
        #expect(merged.info.documentCount == 20)
    }

    /// Closing while merges run: close cancels them, and what stays on disk is exactly the
    /// manifest's files (no half-written or uninstalled merge output), all documents intact.
    @Test func closeDuringMergesLeavesOnlyTheManifestsFiles() async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let merge = TieredMergePolicy.Settings(segmentsPerTier: 2, maxMergeAtOnce: 10, floorSegmentBytes: 1 << 20)
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions(merge: merge))
        let index = try #require(catalog.index(named: "default"))
        for round in 0..<12 {
            try await index.add((0..<30).map { document("r\(round)-\($0)", "common words round\(round)") })
            try await index.commit()
        }
        try await catalog.close()
        let directory = path + "/default"
        let manifest = try #require(try Manifest.read(directory: directory))
        let files = Set(try SystemCalls.listDirectory(directory))
        #expect(files.filter { !$0.hasPrefix("wal-") } == manifest.referencedFiles.union([Manifest.fileName]))
        let reopened = try await IndexCatalog(dataDirectory: path, options: testOptions())
        #expect(try search(reopened.index(named: "default")!.snapshot(), field: "body", term: "common").count == 360)
        try await reopened.close()
    }
}
