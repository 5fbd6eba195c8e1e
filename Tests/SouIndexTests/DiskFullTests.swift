import SouDocument
import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Disk full and I/O errors during writes: the write gets an error (never a crash), the
/// index stays consistent and readable, writes work again once space is back, and nothing
/// acknowledged is lost.
@Suite(.offCooperativePool) struct DiskFullTests {
    /// A real `ENOSPC` from the kernel: the data directory is on a small tmpfs that a ballast
    /// file fills up. Needs root (mount); elsewhere it prints why it did not run.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func realDiskFullOnTmpfs() async throws {
        let scratch = ScratchDirectory()
        guard let mountPoint = try mountSmallFileSystem(in: scratch) else { return }
        defer { _ = umount2(mountPoint, Int32(MNT_DETACH)) }
        let seed = testSeed()
        print("DiskFullTests seed", seed)
        var random = SplitMix64(seed: seed)
        let vocabulary = (0..<300).map { _ in
            String((0..<7).map { _ in Character(Unicode.Scalar(UInt8.random(in: 97...122, using: &random))) })
        }
        func randomDocument(_ id: String) -> Document {
            let words = (0..<Int.random(in: 200...500, using: &random)).map { _ in
                vocabulary.randomElement(using: &random)!
            }
            return document(id, words.joined(separator: " "))
        }
        func matching(_ model: [String: Document], _ word: String) -> Set<String> {
            Set(model.values.filter { $0.fields[0].value.split(separator: " ").contains(Substring(word)) }.map(\.id))
        }

        let path = mountPoint + "/data"
        let warnings = WarningLog()
        // Aggressive merging, so background merges hit the full disk too.
        let merge = TieredMergePolicy.Settings(segmentsPerTier: 2, maxMergeAtOnce: 4, floorSegmentBytes: 1 << 20)
        let catalog = try await IndexCatalog(
            dataDirectory: path,
            options: testOptions(merge: merge, warnings: warnings)
        )
        let index = try #require(catalog.index(named: "default"))
        // Fill the file system, leaving about 200 KiB.
        let ballast = try fill(mountPoint, leaving: 200 * 1024)

        var acknowledged: [String: Document] = [:]
        var committed: [String: Document] = [:]
        var failedIDs: [String] = []
        var failedAdds = 0
        var failedCommits = 0
        var next = 0
        for step in 0..<400 where failedAdds < 8 || failedCommits < 3 {
            if step % 4 == 3 {
                do {
                    try await index.commit()
                    committed = acknowledged
                } catch let error as IndexError {
                    guard case .io = error else { throw error }
                    failedCommits += 1
                }
            } else if step % 9 == 8, let victim = acknowledged.keys.sorted().first {
                do {
                    _ = try await index.delete(ids: [victim])
                    acknowledged[victim] = nil
                } catch let error as IndexError {
                    guard case .io = error else { throw error }
                }
            } else {
                let doc = randomDocument("d\(next)")
                next += 1
                do {
                    try await index.add([doc])
                    acknowledged[doc.id] = doc
                } catch let error as IndexError {
                    guard case .io = error else { throw error }
                    failedAdds += 1
                    failedIDs.append(doc.id)
                }
            }
            // Readers see the last committed state, whole and correct.
            let snapshot = index.snapshot()
            #expect(snapshot.liveDocumentCount == committed.count, "seed \(seed) step \(step)")
            let word = vocabulary.randomElement(using: &random)!
            #expect(
                try search(snapshot, field: "body", term: word) == matching(committed, word),
                "seed \(seed) step \(step)"
            )
        }
        let failedMerges = warnings.all.filter { $0.contains("merge of") && $0.contains("failed") }.count
        print(
            "DiskFullTests: \(acknowledged.count) acknowledged, \(failedAdds) adds, \(failedCommits) commits and",
            "\(failedMerges) merges failed, \(index.stats().mergesDone) merges done"
        )
        #expect(failedAdds > 0, "the disk never filled up (seed \(seed))")
        #expect(failedCommits > 0, "no commit hit the full disk (seed \(seed))")

        // Space is back: writes and commits work again, and nothing acknowledged is lost.
        try SystemCalls.removeFile(ballast)
        for _ in 0..<5 {
            let doc = randomDocument("d\(next)")
            next += 1
            try await index.add([doc])
            acknowledged[doc.id] = doc
        }
        try await index.commit()
        try await waitForMerges(index)
        let word = vocabulary.randomElement(using: &random)!
        #expect(try search(index.snapshot(), field: "body", term: word) == matching(acknowledged, word))
        #expect(index.snapshot().liveDocumentCount == acknowledged.count)
        try await catalog.close()

        let reopened = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let again = try #require(reopened.index(named: "default"))
        let snapshot = again.snapshot()
        #expect(snapshot.liveDocumentCount == acknowledged.count, "seed \(seed)")
        for (id, doc) in acknowledged { #expect(try snapshot.document(id: id) == doc, "seed \(seed): \(id)") }
        for id in failedIDs {
            #expect(try snapshot.document(id: id) == nil, "seed \(seed): failed write \(id) is visible")
        }
        for word in vocabulary.prefix(20) {
            #expect(try search(snapshot, field: "body", term: word) == matching(acknowledged, word), "seed \(seed)")
        }
        try await reopened.close()
    }

    /// A 2 MiB tmpfs in `scratch`, or nil (printing why) when it cannot be mounted.
    func mountSmallFileSystem(in scratch: ScratchDirectory) throws -> String? {
        let mountPoint = scratch.file("fs")
        try SystemCalls.makeDirectory(mountPoint)
        guard mount("tmpfs", mountPoint, "tmpfs", 0, "size=2m,mode=0700") == 0 else {
            print("DiskFullTests: mount tmpfs failed (\(SystemCalls.errorMessage(errno))); real ENOSPC test not run")
            return nil
        }
        return mountPoint
    }

    /// Writes a ballast file that leaves about `free` bytes on the file system; returns its path.
    func fill(_ mountPoint: String, leaving free: Int) throws -> String {
        let ballast = mountPoint + "/ballast"
        var info = statvfs()
        #expect(statvfs(mountPoint, &info) == 0)
        let available = Int(info.f_bavail) * Int(info.f_bsize)
        try writeFile(ballast, [UInt8](repeating: 0xA5, count: max(0, available - free)))
        return ballast
    }

    /// Opening on a full disk (the commit at open cannot write): the index opens readable
    /// with what is committed, writes fail, and once space is back the replayed and new
    /// writes all become visible.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func openOnAFullDiskIsReadableAndRecovers() async throws {
        let scratch = ScratchDirectory()
        guard let mountPoint = try mountSmallFileSystem(in: scratch) else { return }
        defer { _ = umount2(mountPoint, Int32(MNT_DETACH)) }
        let source = scratch.file("source")
        let catalog = try await IndexCatalog(dataDirectory: source, options: testOptions())
        let index = try #require(catalog.index(named: "default"))
        try await index.add([document("c", "committed words")])
        try await index.commit()
        try await index.add([document("l", "logged words " + String(repeating: "padding ", count: 2000))])
        // What a kill -9 leaves: the log holds "l", the manifest only "c".
        let path = mountPoint + "/data"
        try SystemCalls.makeDirectory(path)
        try copyTree(source, path)
        try await catalog.close()
        let ballast = try fill(mountPoint, leaving: 0)

        let warnings = WarningLog()
        let full = try await IndexCatalog(dataDirectory: path, options: testOptions(warnings: warnings))
        let opened = try #require(full.index(named: "default"))
        #expect(warnings.all.contains { $0.contains("commit at open failed") }, "\(warnings.all)")
        #expect(try search(opened.snapshot(), field: "body", term: "words") == ["c"])
        await #expect(throws: IndexError.self) { try await opened.add([document("n", "new words")]) }
        try SystemCalls.removeFile(ballast)
        try await opened.add([document("n", "new words")])
        try await opened.commit()
        #expect(try search(opened.snapshot(), field: "body", term: "words") == ["c", "l", "n"])
        try await full.close()
        let reopened = try await IndexCatalog(dataDirectory: path, options: testOptions())
        #expect(
            try search(reopened.index(named: "default")!.snapshot(), field: "body", term: "words") == ["c", "l", "n"]
        )
        try await reopened.close()
    }

    /// A background merge runs out of space: it is discarded with a warning and its partial
    /// output removed, queries and writes go on, and it succeeds once space is back.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func mergeOnAFullDiskIsDiscardedAndRetried() async throws {
        let scratch = ScratchDirectory()
        guard let mountPoint = try mountSmallFileSystem(in: scratch) else { return }
        defer { _ = umount2(mountPoint, Int32(MNT_DETACH)) }
        let seed = testSeed()
        print("DiskFullTests.merge seed", seed)
        var random = SplitMix64(seed: seed)
        func text() -> String {
            (0..<400).map { _ in
                String((0..<7).map { _ in Character(Unicode.Scalar(UInt8.random(in: 97...122, using: &random))) })
            }.joined(separator: " ")
        }
        let path = mountPoint + "/data"
        let warnings = WarningLog()
        // Four segments make a merge of all four (three are within the budget).
        let merge = TieredMergePolicy.Settings(segmentsPerTier: 2, maxMergeAtOnce: 10, floorSegmentBytes: 1 << 20)
        let catalog = try await IndexCatalog(
            dataDirectory: path,
            options: testOptions(merge: merge, warnings: warnings)
        )
        let index = try #require(catalog.index(named: "default"))
        for round in 0..<3 {
            try await index.add((0..<5).map { document("r\(round)-\($0)", "common " + text()) })
            try await index.commit()
        }
        #expect(index.stats().segments == 3)
        let manifest = try #require(try Manifest.read(directory: path + "/default"))
        let segmentBytes = manifest.segments.map(\.byteSize).max()! + 6 * 4096
        let ballast = try fill(mountPoint, leaving: 2 * segmentBytes + 16 * 1024)
        try await index.add((0..<5).map { document("r3-\($0)", "common " + text()) })
        try await index.commit()
        #expect(index.stats().segments == 4)
        try await waitUntil("the merge fails") { warnings.all.contains(where: { $0.contains("merge of") }) }
        #expect(warnings.all.contains { $0.contains("merge of") && $0.contains("No space left") }, "\(warnings.all)")
        // Consistent and readable; the failed merge left no file behind.
        #expect(try search(index.snapshot(), field: "body", term: "common").count == 20)
        let live = try #require(try Manifest.read(directory: path + "/default")).referencedFiles
        let strays = try SystemCalls.listDirectory(path + "/default").filter {
            $0.hasPrefix("seg-") && !live.contains($0)
        }
        #expect(strays.isEmpty, "\(strays)")

        // After the back-off a merge starts again (COMMIT starts it).
        try SystemCalls.removeFile(ballast)
        try await Task.sleep(for: IndexWriter.mergeRetryDelay + .milliseconds(100))
        try await index.commit()
        #expect(await index.writer.mergesPending > 0)
        try await waitForMerges(index)
        #expect(index.stats().mergesDone >= 1)
        #expect(index.stats().segments < 4)
        #expect(try search(index.snapshot(), field: "body", term: "common").count == 20)
        try await catalog.close()
        let reopened = try await IndexCatalog(dataDirectory: path, options: testOptions())
        #expect(try search(reopened.index(named: "default")!.snapshot(), field: "body", term: "common").count == 20)
        try await reopened.close()
    }

    /// An fsync of the log fails (EIO): the writes waiting for it get an error, later writes
    /// work at once (a commit starts a fresh log), and every acknowledged write survives.
    @Test(arguments: [DurabilityPolicy.always, .batch(interval: .milliseconds(5))])
    func failedLogFsyncIsAnErrorAndTheLogIsReplaced(durability: DurabilityPolicy) async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let warnings = WarningLog()
        let catalog = try await IndexCatalog(
            dataDirectory: path,
            options: testOptions(durability: durability, warnings: warnings)
        )
        let index = try #require(catalog.index(named: "default"))
        try await index.add([document("1", "before")])
        await index.writer.injectWALSyncError(EIO)
        if durability == .always {
            await #expect(throws: IndexError.self) { try await index.add([document("2", "unknown fate")]) }
        } else {
            // Acknowledged before the timer's fsync, which fails: the next write replaces the
            // log by a commit (which makes those writes durable) and succeeds. A write whose
            // record went to the log just before the failed fsync gets the error.
            var acknowledged: [String] = []
            var failures = 0
            var n = 0
            // Writes go on until the batch timer's fsync has failed: an event (the timer may
            // run late on a busy machine); the 10-minute bound is a hang guard only.
            let hangGuard = ContinuousClock.now + .seconds(600)
            while !warnings.all.contains(where: { $0.contains("fsync failed") }) && ContinuousClock.now < hangGuard {
                do {
                    try await index.add([document("b\(n)", "acknowledged")])
                    acknowledged.append("b\(n)")
                } catch {
                    failures += 1
                }
                n += 1
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(failures <= 1)
            try await index.commit()
            for id in acknowledged { #expect(try index.snapshot().document(id: id) != nil) }
        }
        try await index.add([document("3", "after")])
        #expect(warnings.all.contains { $0.contains("fsync failed") })
        try await index.commit()
        #expect(try index.snapshot().document(id: "1") == document("1", "before"))
        #expect(try index.snapshot().document(id: "3") == document("3", "after"))
        try await catalog.close()
        let reopened = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let again = try #require(reopened.index(named: "default"))
        #expect(try again.snapshot().document(id: "1") != nil)
        #expect(try again.snapshot().document(id: "3") != nil)
        try await reopened.close()
    }
}
