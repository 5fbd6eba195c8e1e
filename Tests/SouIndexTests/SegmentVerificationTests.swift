import SouDocument
import SouFormat
import SouTestSupport
import Synchronization
import Testing

@testable import SouIndex

/// Opening checks structure only; checksums are verified later (issue 14, docs/FORMAT.md §2).
///
/// What is honest to test: a byte flipped in the middle of a body is *not* noticed at open
/// (so open did not checksum it), the open leaves next to nothing of the files resident (so
/// it did not read them), and verification — explicit, the background pass, or a merge about
/// to read its inputs — does notice it and takes the index out of service.
@Suite(.offCooperativePool) struct SegmentVerificationTests {
    /// A segment of a few MB in `directory`, named `seg-1`.
    func writeSegment(in directory: String, documents: Int = 600) throws -> SegmentInfo {
        var random = SplitMix64(seed: SplitMix64.printedSeed("verification segment"))
        let vocabulary = (0..<10_000).map { _ in
            String((0..<8).map { _ in Character(Unicode.Scalar(UInt8.random(in: 97...122, using: &random))) })
        }
        var builder = SegmentBuilder()
        for index in 0..<documents {
            let words = (0..<500).map { _ in vocabulary.randomElement(using: &random)! }
            try builder.add(
                Document(id: "d\(index)", fields: [.init(name: "body", value: words.joined(separator: " "))])
            )
        }
        return try builder.write(to: directory, name: "seg-1")
    }

    @Test(arguments: [SegmentFile.postings, .storedFields, .dictionary, .ids, .fieldNorms, .positions])
    func aFlippedBodyByteIsFoundByVerifyNotByOpen(file: SegmentFile) throws {
        let scratch = ScratchDirectory()
        let info = try writeSegment(in: scratch.path)
        let path = file.path(directory: scratch.path, segment: "seg-1")
        let size = try readFile(path).count
        try flipByte(in: path, at: size / 2)

        #expect(throws: FormatError.self) { try SegmentReader(directory: scratch.path, name: "seg-1") }
        let reader = try SegmentReader(directory: scratch.path, name: "seg-1", checks: .structure)
        // Not a byte of the bodies was checksummed at open.
        #expect(Self.files(of: reader).map(\.checksummedBytes) == Array(repeating: 0, count: 6))
        #expect(reader.verificationState == .unverified)
        #expect(info.byteSize > 1 << 20)
        // Reads of the unverified segment stay in bounds whatever they find.
        for doc in stride(from: UInt32(0), to: 600, by: 37) {
            _ = try? reader.document(doc)
            _ = try? reader.id(doc)
            _ = try? reader.docID(forExternalID: "d\(doc)")
        }
        var failure: IndexError?
        do { try reader.verify() } catch { failure = error as? IndexError }
        guard case .corrupt(let message) = failure else {
            Issue.record("verify did not fail: \(String(describing: failure))")
            return
        }
        #expect(message.contains(file.fileName(segment: "seg-1")), "\(message)")
        #expect(reader.verificationState == .failed(failure!))
        // The answer is remembered: a second call does not read again, and fails the same way.
        #expect(throws: IndexError.self) { try reader.verify() }
    }

    @Test func verifyingAnIntactSegmentPassesOnceAndReleasesItsPages() throws {
        let scratch = ScratchDirectory()
        let info = try writeSegment(in: scratch.path)
        let reader = try SegmentReader(directory: scratch.path, name: "seg-1", checks: .structure)
        #expect(reader.verificationState == .unverified)
        #expect(Self.files(of: reader).allSatisfy { $0.checksummedBytes == 0 })
        try reader.verify()
        #expect(reader.verificationState == .verified)
        // Verification read every byte before each footer, once.
        #expect(Self.files(of: reader).allSatisfy { $0.checksummedBytes == $0.bytes.count - FileFraming.footerSize })
        try reader.verify()  // known: not read again
        #expect(Self.files(of: reader).allSatisfy { $0.checksummedBytes == $0.bytes.count - FileFraming.footerSize })
        if SegmentOpenMemoryTests.hasSmaps {
            let resident = try SegmentOpenMemoryTests.residentBytes(under: scratch.path)
            #expect(resident < info.byteSize / 4, "\(resident) of \(info.byteSize) bytes resident after verify")
        }
        try reader.verify(force: true)
        #expect(try reader.document(599).id == "d599")
    }

    /// The mappings of a segment's files but `.meta` (tiny, always verified at open).
    static func files(of reader: SegmentReader) -> [MappedFile] {
        [
            reader.dictionary.file, reader.postings.postingsFile, reader.postings.positionsFile,
            reader.storedFields.file, reader.norms.file,
        ] + (reader.ids.map { [$0.file] } ?? [])
    }

    /// An index of five committed segments whose second one gets a flipped postings byte.
    func damagedIndex(merge: TieredMergePolicy.Settings = .init()) async throws -> (ScratchDirectory, String) {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions(merge: merge))
        let index = try #require(catalog.index(named: "default"))
        for round in 0..<5 {
            try await index.add((0..<50).map { document("r\(round)-\($0)", "word\($0 % 7) round\(round) common") })
            try await index.commit()
        }
        try await catalog.create("other")
        try await catalog.index(named: "other")?.add([document("o", "other common")])
        try await catalog.close()
        let manifest = try #require(try Manifest.read(directory: path + "/default"))
        let name = manifest.segments[1].name + ".post"
        let postings = path + "/default/" + name
        try flipByte(in: postings, at: try readFile(postings).count / 2)
        return (scratch, name)
    }

    @Test func backgroundPassTakesTheDamagedIndexOutOfService() async throws {
        let (scratch, damaged) = try await damagedIndex()
        let warnings = WarningLog()
        let catalog = try await IndexCatalog(
            dataDirectory: scratch.file("data"),
            options: testOptions(warnings: warnings)
        )
        let index = try #require(catalog.index(named: "default"))
        // Served at first: open did not read the postings.
        #expect(index.outOfService == nil)
        #expect(index.unverifiedSegments == 5)
        let outcome = Mutex<(Int, Int)?>(nil)
        catalog.verifyInBackground { segments, failed in outcome.withLock { $0 = (segments, failed) } }
        await catalog.waitForBackgroundVerification()
        #expect(outcome.withLock { $0 }.map { $0.1 } == 1)
        let failure = try #require(index.outOfService)
        #expect(failure.description.contains(damaged), "\(failure)")
        #expect(warnings.all.contains { $0.contains(damaged) && $0.contains("out of service") }, "\(warnings.all)")
        // Writes are refused with the same error; nothing acknowledged is lost.
        await #expect(throws: IndexError.self) { try await index.add([document("late", "late")]) }
        // The other index is verified and goes on.
        let other = try #require(catalog.index(named: "other"))
        #expect(other.outOfService == nil && other.unverifiedSegments == 0)
        try await other.add([document("p", "more")])
        try await catalog.close()
    }

    @Test func aMergeVerifiesItsInputsFirst() async throws {
        // Five segments of the 1 MiB floor are over the budget of 3: one merge of all five.
        let merge = TieredMergePolicy.Settings(segmentsPerTier: 2, maxMergeAtOnce: 10, floorSegmentBytes: 1 << 20)
        let (scratch, damaged) = try await damagedIndex()
        let warnings = WarningLog()
        let catalog = try await IndexCatalog(
            dataDirectory: scratch.file("data"),
            options: testOptions(merge: merge, warnings: warnings)
        )
        let index = try #require(catalog.index(named: "default"))
        // The commit at open started the merge; its input verification fails.
        await index.writer.waitForRunningMerges()
        try? await index.commit()
        await index.writer.waitForRunningMerges()
        #expect(warnings.all.contains { $0.contains("merge of") && $0.contains(damaged) }, "\(warnings.all)")
        let failure = try #require(index.outOfService)
        #expect(failure.description.contains(damaged), "\(failure)")
        #expect(await index.writer.mergesPending == 0)
        try await catalog.close()
    }

    /// Live statistics (segment totals minus the deleted documents', carried along with each
    /// deletion and persisted in the deletion file) equal a count over the norms of the live
    /// documents, after random upserts, deletes, commits, merges and reopening.
    @Test(arguments: [false, true])
    func liveStatisticsEqualARecount(merges: Bool) async throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("live statistics \(merges)"))
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let options = testOptions(
            merge: merges ? .init(segmentsPerTier: 2, maxMergeAtOnce: 3, floorSegmentBytes: 1 << 20) : .init()
        )
        var catalog = try await IndexCatalog(dataDirectory: path, options: options)
        func words(_ count: Int) -> String {
            (0..<count).map { _ in "w\(Int.random(in: 0..<30, using: &random))" }.joined(separator: " ")
        }
        for round in 0..<8 {
            let index = try #require(catalog.index(named: "default"))
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let batch = (0..<Int.random(in: 1...40, using: &random)).map { _ in
                    let id = "d\(Int.random(in: 0..<150, using: &random))"
                    let title = Bool.random(using: &random) ? words(Int.random(in: 1...4, using: &random)) : nil
                    return document(id, words(Int.random(in: 0...12, using: &random)), title: title)
                }
                try await index.add(batch)
                let ids = (0..<Int.random(in: 0...15, using: &random)).map { _ in
                    "d\(Int.random(in: 0..<150, using: &random))"
                }
                _ = try await index.delete(ids: ids)
                try await index.commit()
                try expectLiveStatisticsMatch(index.snapshot(), "round \(round)")
            }
            if merges { await index.writer.waitForRunningMerges() }
            if round % 3 == 2 {
                try await catalog.close()
                catalog = try await IndexCatalog(dataDirectory: path, options: options)
                let reopened = try #require(catalog.index(named: "default"))
                try expectLiveStatisticsMatch(reopened.snapshot(), "reopened after round \(round)")
                // Every deletion file carries its statistics: nothing to count at the next open.
                let manifest = try #require(try Manifest.read(directory: path + "/default"))
                for file in manifest.segments.compactMap(\.deletionFile) {
                    let bitmap = try DeletionBitmap(file: MappedFile(path: path + "/default/" + file))
                    #expect(bitmap.deletedStatistics != nil, "\(file) has no statistics")
                }
            }
        }
        try await catalog.close()
    }

    /// The O(documents × fields) count the statistics replace.
    func expectLiveStatisticsMatch(_ snapshot: Snapshot, _ context: String) throws {
        for view in snapshot.segments {
            var expected = [FieldStatistics](repeating: FieldStatistics(), count: view.reader.meta.fieldNames.count)
            for doc in 0..<UInt32(view.reader.documentCount) where !view.isDeleted(doc) {
                for field in expected.indices {
                    let length = view.reader.norms.length(doc: doc, field: field)
                    guard length > 0 else { continue }
                    expected[field].totalLength += UInt64(length)
                    expected[field].documentCount += 1
                }
            }
            #expect(view.liveFieldStatistics == expected, "\(context): \(view.reader.name)")
        }
    }
}
