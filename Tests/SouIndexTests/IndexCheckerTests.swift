import SouDocument
import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

/// `IndexChecker` (`soud --check`, `sou check`): a real data directory checks clean; each kind
/// of damage — a flipped byte, a truncated, missing, orphan or wrongly sized file, and a
/// segment whose checksums are valid but whose structures disagree — is reported naming the
/// file, and nothing crashes the checker.
@Suite(.offCooperativePool) struct IndexCheckerTests {
    /// A data directory with two indexes: `default` with three segments (one with more than
    /// 128 documents per common term, so bit-packed blocks and several skip entries), Chinese
    /// and English text, deletions, and one write only in the log; `zh` with one segment.
    func makeDataDirectory() async throws -> ScratchDirectory {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        // No merges: the crash copy below must not catch one half-written (its files would be
        // orphans, rightly warned about).
        let noMerges = TieredMergePolicy.Settings(segmentsPerTier: 50, deletesPercentAllowed: 100)
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions(merge: noMerges))
        let index = try #require(catalog.index(named: "default"))
        try await index.add(
            (0..<300).map {
                document("d\($0)", "大同 市 hello world \($0 % 7) 北京大学 common", title: "标题 \($0 % 3)")
            }
        )
        try await index.commit()
        _ = try await index.delete(ids: (0..<300).filter { $0 % 5 == 0 }.map { "d\($0)" })
        try await index.commit()
        try await index.add((0..<20).map { document("e\($0)", "second 中文 分词 round \($0)") })
        _ = try await index.delete(ids: ["e3"])
        try await index.commit()
        try await index.add([document("d7", "replaced 大同")])
        try await index.commit()
        try await index.add([document("log-only", "only in the log")])
        let zh = try await catalog.create("zh")
        try await zh.add([document("z1", "中华人民共和国"), document("z2", "人民日报 people")])
        try await zh.commit()
        // What a kill -9 now leaves: the last add only in the log.
        let copy = try crashCopy(of: path)
        try await catalog.close()
        return copy
    }

    func check(_ scratch: ScratchDirectory) throws -> CheckReport {
        try IndexChecker(path: scratch.path).check()
    }

    /// The segment of `default` with the most documents, and the manifest.
    func largestSegment(_ scratch: ScratchDirectory) throws -> (directory: String, segment: Manifest.Segment) {
        let directory = scratch.path + "/default"
        let manifest = try #require(try Manifest.read(directory: directory))
        let segment = try #require(manifest.segments.max { $0.documentCount < $1.documentCount })
        return (directory, segment)
    }

    func expectProblem(_ report: CheckReport, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation)
    {
        let found = report.allProblems.contains { problem in fragments.allSatisfy { problem.contains($0) } }
        #expect(found, "no problem mentions \(fragments): \(report.text())", sourceLocation: sourceLocation)
        #expect(!report.isClean, sourceLocation: sourceLocation)
    }

    @Test func realDataDirectoryChecksClean() async throws {
        let scratch = try await makeDataDirectory()
        let report = try check(scratch)
        #expect(report.isClean, "\(report.text())")
        #expect(report.warningCount == 0, "\(report.text())")
        #expect(report.indexes.map(\.name) == ["default", "zh"])
        let index = report.indexes[0]
        #expect(index.segments.count >= 3)
        #expect(index.deletedCount > 0)
        #expect(index.segments.allSatisfy { $0.termCount > 0 && $0.postingCount >= $0.documentCount })
        #expect(index.segments.contains { $0.postingCount > 128 })
        #expect(index.logs.contains { $0.role == .live && $0.recordCount == 1 }, "\(report.text())")
        let text = report.text()
        #expect(
            text.hasSuffix(
                "OK: 2 indexes, \(report.indexes.reduce(0) { $0 + $1.segments.count }) segments, no problems\n"
            )
        )
        #expect(report.json().hasPrefix(#"{"data_directory":"#))
        #expect(report.json().contains(#""ok":true"#))
        // One index directory alone.
        let alone = try IndexChecker(path: scratch.path + "/zh").check()
        #expect(alone.isClean && alone.indexes.map(\.name) == ["zh"], "\(alone.text())")
    }

    @Test func flippedPostingsByteIsAChecksumProblem() async throws {
        let scratch = try await makeDataDirectory()
        let (directory, segment) = try largestSegment(scratch)
        let file = "\(segment.name).post"
        try flipByte(in: directory + "/" + file, at: 40)
        let report = try check(scratch)
        expectProblem(report, file, "checksum mismatch")
        // Only that segment is affected.
        #expect(report.indexes[0].segments.filter { !$0.isClean }.map(\.name) == [segment.name])
        #expect(report.indexes[1].problemCount == 0)
    }

    @Test func truncatedFileIsReported() async throws {
        let scratch = try await makeDataDirectory()
        let (directory, segment) = try largestSegment(scratch)
        let path = directory + "/\(segment.name).store"
        let bytes = try readFile(path)
        try writeFile(path, Array(bytes.prefix(bytes.count / 2)))
        expectProblem(try check(scratch), "\(segment.name).store")
        try writeFile(path, Array(bytes.prefix(5)))
        expectProblem(try check(scratch), "\(segment.name).store", "truncated")
    }

    @Test func missingSegmentFileIsReported() async throws {
        let scratch = try await makeDataDirectory()
        let (directory, segment) = try largestSegment(scratch)
        try SystemCalls.removeFile(directory + "/\(segment.name).norms")
        expectProblem(try check(scratch), "\(segment.name).norms", "missing, but the manifest names it")
    }

    @Test func orphanFileIsAWarningNotAProblem() async throws {
        let scratch = try await makeDataDirectory()
        try writeFile(scratch.path + "/default/seg-999.post", [1, 2, 3])
        let report = try check(scratch)
        #expect(report.isClean, "\(report.text())")
        #expect(report.indexes[0].warnings.contains { $0.contains("seg-999.post") && $0.contains("orphan") })
        #expect(report.text().contains("(1 warning)"))
    }

    @Test func deletionFileOfTheWrongSizeIsReported() async throws {
        let scratch = try await makeDataDirectory()
        let directory = scratch.path + "/default"
        let manifest = try #require(try Manifest.read(directory: directory))
        let segment = try #require(manifest.segments.first { $0.deletionFile != nil })
        let file = try #require(segment.deletionFile)
        // A valid bitmap (checksum and all) for 70 more documents, same number deleted.
        var bitmap = DeletionBitmap(documentCount: segment.documentCount + 70)
        for doc in 0..<UInt32(segment.deletedCount) { bitmap.delete(doc) }
        try writeFile(directory + "/" + file, bitmap.encode())
        expectProblem(try check(scratch), file, "covers \(segment.documentCount + 70) documents")
        // Cut short: its own checks fail.
        let bytes = try readFile(directory + "/" + file)
        try writeFile(directory + "/" + file, Array(bytes.dropLast(12)))
        expectProblem(try check(scratch), file)
        // Missing.
        try SystemCalls.removeFile(directory + "/" + file)
        expectProblem(try check(scratch), file, "missing")
    }

    /// Rewrites the largest segment's dictionary with `change` applied to the first body term
    /// with more than 128 documents; every checksum stays valid and the segment still opens.
    func rewriteDictionary(
        _ scratch: ScratchDirectory,
        _ change: (inout TermInfo) -> Void
    ) throws -> (segment: String, term: String) {
        let (directory, segment) = try largestSegment(scratch)
        let path = directory + "/\(segment.name).dict"
        let reader = try TermDictionaryReader(file: MappedFile(path: path))
        var terms: [([UInt8], TermInfo)] = []
        try reader.enumerate(prefix: []) { key, info in
            terms.append((key, info))
            return true
        }
        let meta = try SegmentMeta(file: MappedFile(path: directory + "/\(segment.name).meta"))
        let body = UInt8(try #require(meta.fieldNumber("body")))
        let target = try #require(terms.firstIndex { $0.0.first == body && $0.1.documentFrequency > 128 })
        change(&terms[target].1)
        var writer = TermDictionaryWriter()
        for (key, info) in terms { try writer.add(key, info) }
        try writeFile(path, writer.finish())
        _ = try SegmentReader(directory: directory, name: segment.name, files: segment.files)
        return (segment.name, "body:" + String(decoding: terms[target].0.dropFirst(), as: UTF8.self))
    }

    @Test func checksumValidDocumentFrequencyMismatchIsFound() async throws {
        let scratch = try await makeDataDirectory()
        let (segment, term) = try rewriteDictionary(scratch) { $0.documentFrequency -= 1 }
        let report = try check(scratch)
        expectProblem(report, "\(segment).post", term, "do not decode consistently")
        #expect(!report.allProblems.contains { $0.contains("checksum") }, "\(report.text())")
    }

    @Test func checksumValidTotalTermFrequencyMismatchIsFound() async throws {
        let scratch = try await makeDataDirectory()
        let (segment, term) = try rewriteDictionary(scratch) { $0.totalTermFrequency += 1 }
        let report = try check(scratch)
        expectProblem(report, "\(segment).dict", term, "frequencies sum to")
        expectProblem(report, "\(segment).pos", term, "positions on disk")
    }

    /// Norms that no longer match the meta's statistics or the postings, re-framed validly.
    @Test func checksumValidNormsMismatchIsFound() async throws {
        let scratch = try await makeDataDirectory()
        let (directory, segment) = try largestSegment(scratch)
        let path = directory + "/\(segment.name).norms"
        let norms = try FieldNormsReader(file: MappedFile(path: path))
        let meta = try SegmentMeta(file: MappedFile(path: directory + "/\(segment.name).meta"))
        let body = try #require(meta.fieldNumber("body"))
        var writer = FieldNormsWriter(fieldCount: norms.fieldCount)
        for doc in 0..<UInt32(norms.documentCount) {
            var lengths = (0..<norms.fieldCount).map { norms.length(doc: doc, field: $0) }
            if doc == 3 { lengths[body] = 2 }  // shorter than its text: positions past the end
            writer.add(lengths: lengths)
        }
        try writeFile(path, writer.finish())
        let report = try check(scratch)
        expectProblem(report, "field body: the norms sum to")
        expectProblem(report, "doc 3", "not below the field length 2")
    }

    /// Garbage bodies in a valid frame (so past every checksum) in each file of a segment:
    /// reported, never a crash or a trap.
    @Test func garbageInValidFramesNeverCrashes() async throws {
        let pristine = try await makeDataDirectory()
        var random = SplitMix64(seed: SplitMix64.printedSeed("IndexCheckerTests.garbage"))
        let (directory, segment) = try largestSegment(pristine)
        for file in SegmentFile.allCases {
            let path = directory + "/" + file.fileName(segment: segment.name)
            let original = try readFile(path)
            for round in 0..<6 {
                var body = Array(original.dropFirst(FileFraming.headerSize).dropLast(FileFraming.footerSize))
                if round < 3 {
                    // A few flipped bytes: mostly plausible structure.
                    for _ in 0...round where !body.isEmpty {
                        body[random.nextInt(below: body.count)] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                    }
                } else {
                    body = (0..<random.nextInt(below: 200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                }
                let version = UInt16(original[4]) | UInt16(original[5]) << 8
                try writeFile(path, FileFraming.frame(body, kind: file.fileKind, version: version))
                let report = try check(pristine)
                if round >= 3 { #expect(!report.isClean, "\(file) garbage not reported") }
            }
            try writeFile(path, original)
        }
        #expect(try check(pristine).isClean)
    }

    @Test func usageErrors() throws {
        let scratch = ScratchDirectory()
        #expect(throws: IndexChecker.UsageError.notADirectory(scratch.file("nope"))) {
            try IndexChecker(path: scratch.file("nope")).check()
        }
        #expect(throws: IndexChecker.UsageError.notADataDirectory(scratch.path)) {
            try IndexChecker(path: scratch.path).check()
        }
        try SystemCalls.makeDirectory(scratch.file("x"))
        try writeFile(scratch.file("x/LOCK"), [])
        let empty = try IndexChecker(path: scratch.file("x")).check()
        #expect(empty.isClean && empty.indexes.isEmpty)
    }

    @Test func jsonEscapesStrings() {
        #expect(JSONText.string("a\"b\\c\nd\u{1}大") == #""a\"b\\c\nd\u0001大""#)
    }
}
