import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

/// When segment files leave the disk: superseded segments only after the last snapshot
/// that uses them is released; files no manifest names at the next open.
@Suite(.offCooperativePool) struct SegmentLifetimeTests {
    func segmentFiles(_ directory: String, _ segment: String) -> [String] {
        SegmentFile.allCases.map { $0.path(directory: directory, segment: segment) }
    }

    /// Waits until `condition` holds (a merge task may release its last reference a moment
    /// later); only a hang guard bounds the wait.
    func eventually(_ condition: @escaping @Sendable () -> Bool) async throws -> Bool {
        try await waitUntil("segment files are released", condition)
        return true
    }

    @Test func heldSnapshotKeepsMergedAwaySegmentsUntilReleased() async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let merge = TieredMergePolicy.Settings(segmentsPerTier: 2, maxMergeAtOnce: 4, floorSegmentBytes: 1 << 20)
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions(merge: merge))
        let index = try #require(catalog.index(named: "default"))
        let directory = path + "/default"
        var expected = Set<String>()
        // One segment per commit; merges start in the background after each commit.
        for round in 0..<2 {
            let batch = (0..<3).map { document("r\(round)-\($0)", "shared round\(round)") }
            try await index.add(batch)
            expected.formUnion(batch.map(\.id))
            try await index.commit()
        }
        var held: Snapshot? = index.snapshot()
        let heldNames = held!.segments.map(\.reader.name)
        #expect(heldNames.count >= 1)
        for round in 2..<6 {
            let batch = (0..<3).map { document("r\(round)-\($0)", "shared round\(round)") }
            try await index.add(batch)
            try await index.commit()
        }
        try await waitForMerges(index)
        let manifest = try #require(try Manifest.read(directory: directory))
        let live = Set(manifest.segments.map(\.name))
        let gone = heldNames.filter { !live.contains($0) }
        #expect(!gone.isEmpty, "no segment of the held snapshot was merged away: \(heldNames) vs \(live)")
        // Still on disk and still searchable through the held snapshot.
        for name in gone {
            for file in segmentFiles(directory, name) {
                #expect(SystemCalls.fileExists(file), "\(file) removed while a snapshot uses it")
            }
        }
        #expect(try search(held!, field: "body", term: "shared") == expected)
        #expect(try search(held!, field: "body", term: "round5").isEmpty)
        #expect(try search(index.snapshot(), field: "body", term: "shared").count == 18)
        held = nil
        // Released: the superseded files go, the live ones stay.
        let removed = try await eventually {
            gone.allSatisfy { name in segmentFiles(directory, name).allSatisfy { !SystemCalls.fileExists($0) } }
        }
        #expect(removed, "superseded segment files remain after the last snapshot was released")
        for name in live {
            for file in segmentFiles(directory, name) { #expect(SystemCalls.fileExists(file)) }
        }
        #expect(try search(index.snapshot(), field: "body", term: "shared").count == 18)
        try await catalog.close()
        // Nothing but the manifest's files, the manifest and one log remain.
        let files = Set(try SystemCalls.listDirectory(directory))
        #expect(files.filter { !$0.hasPrefix("wal-") } == manifest.referencedFiles.union([Manifest.fileName]))
    }

    /// A retired segment released after its index was dropped and re-created (which reuses
    /// segment names) never removes the new index's files.
    @Test func releasedRetiredSegmentSparesARecreatedIndex() async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let merge = TieredMergePolicy.Settings(segmentsPerTier: 2, maxMergeAtOnce: 4, floorSegmentBytes: 1 << 20)
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions(merge: merge))
        let old = try await catalog.create("x")
        for round in 0..<2 {
            try await old.add([document("old\(round)", "old text")])
            try await old.commit()
        }
        var held: Snapshot? = old.snapshot()
        for round in 2..<6 {
            try await old.add([document("old\(round)", "old text")])
            try await old.commit()
        }
        try await waitForMerges(old)
        let manifest = try #require(try Manifest.read(directory: path + "/x"))
        let retired = held!.segments.map(\.reader.name).filter { name in !manifest.segments.contains { $0.name == name }
        }
        #expect(!retired.isEmpty)
        try await catalog.drop("x")
        let new = try await catalog.create("x")
        for round in 0..<4 {
            try await new.add([document("new\(round)", "new text")])
            try await new.commit()
        }
        let names = Set(try #require(try Manifest.read(directory: path + "/x")).segments.map(\.name))
        #expect(!names.isDisjoint(with: retired), "no segment name was reused: \(names) \(retired)")
        held = nil
        try await catalog.close()
        let reopened = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let again = try #require(reopened.index(named: "x"))
        #expect(try search(again.snapshot(), field: "body", term: "new") == ["new0", "new1", "new2", "new3"])
        #expect(try search(again.snapshot(), field: "body", term: "old").isEmpty)
        try await reopened.close()
    }

    /// A snapshot taken before close keeps working after close (the files were not retired).
    @Test func snapshotOutlivesClose() async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let index = try #require(catalog.index(named: "default"))
        try await index.add([document("a", "kept alive")])
        try await index.commit()
        let snapshot = index.snapshot()
        try await catalog.close()
        #expect(try search(snapshot, field: "body", term: "alive") == ["a"])
        let reopened = try await IndexCatalog(dataDirectory: path, options: testOptions())
        #expect(try reopened.index(named: "default")!.snapshot().document(id: "a") == document("a", "kept alive"))
        try await reopened.close()
    }

    /// Files a crash left behind (a segment or deletion file no manifest names, temp files)
    /// are removed at open; everything the manifest names stays and the index is intact.
    @Test func orphanedFilesAreRemovedAtOpen() async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let index = try #require(catalog.index(named: "default"))
        try await index.add([document("a", "one"), document("b", "two")])
        try await index.commit()
        _ = try await index.delete(ids: ["b"])
        try await index.commit()
        try await catalog.close()
        let directory = path + "/default"
        let before = Set(try SystemCalls.listDirectory(directory))
        let orphans = [
            "seg-99.meta", "seg-99.post", "seg-99.store", "seg-1.77.del", "MANIFEST.tmp", "seg-100.dict.tmp",
        ]
        for orphan in orphans { try writeFile(directory + "/" + orphan, Array("junk".utf8)) }
        let reopened = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let again = try #require(reopened.index(named: "default"))
        let after = Set(try SystemCalls.listDirectory(directory))
        for orphan in orphans { #expect(!after.contains(orphan), "\(orphan) survived open") }
        let manifest = try #require(try Manifest.read(directory: directory))
        #expect(manifest.referencedFiles.isSubset(of: after))
        #expect(before.filter { !$0.hasPrefix("wal-") }.isSubset(of: after))
        #expect(try again.snapshot().document(id: "a") == document("a", "one"))
        #expect(try again.snapshot().document(id: "b") == nil)
        try await reopened.close()
    }
}
