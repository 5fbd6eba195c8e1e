import SouDocument
import SouFormat
import SouRandom
import SouTestSupport
import Testing

@testable import SouIndex

/// The streaming merge (postings merged, nothing re-analyzed) must produce exactly the
/// segment that indexing the inputs' live documents afresh produces, read back term by term,
/// document by document: the reference is `SegmentBuilder` over those documents.
@Suite(.offCooperativePool) struct StreamingMergeTests {
    private static let words = ["大同", "报纸", "北京", "新闻", "apple", "Banana", "search", "引擎", "中文", "ｆｕｌｌ", "café"]

    /// A random document: fields drawn from a few names (some inputs lack some fields),
    /// text mixing CJK runs and words, sometimes an empty field.
    private static func randomDocument(_ id: String, _ random: inout SplitMix64, fields: [String]) -> Document {
        var chosen: [Document.Field] = []
        for name in fields where random.nextInt(below: 3) > 0 {
            let count = random.nextInt(below: 12)
            let value = (0..<count).map { _ in words[random.nextInt(below: words.count)] }
                .joined(separator: random.nextInt(below: 2) == 0 ? " " : "")
            chosen.append(.init(name: name, value: value))
        }
        return Document(id: id, fields: chosen)
    }

    /// Builds `segments` inputs of random sizes with random deletions; returns the views
    /// and the live documents in merge order.
    private static func inputs(
        _ scratch: ScratchDirectory,
        seed: UInt64,
        segments: Int,
        deleteEvery: Int
    ) throws -> ([SegmentView], [Document]) {
        var random = SplitMix64(seed: seed)
        let fieldSets = [["title", "body"], ["body"], ["body", "tags", "title"], ["note"]]
        var views: [SegmentView] = []
        var live: [Document] = []
        for segment in 0..<segments {
            var builder = SegmentBuilder()
            let count = 1 + random.nextInt(below: 400)
            var documents: [Document] = []
            for n in 0..<count {
                let fields = fieldSets[(segment + random.nextInt(below: 2)) % fieldSets.count]
                documents.append(randomDocument("s\(segment)-\(n)", &random, fields: fields))
                try builder.add(documents.last!)
            }
            _ = try builder.write(to: scratch.path, name: "in-\(segment)")
            let reader = try SegmentReader(directory: scratch.path, name: "in-\(segment)")
            var deletions = DeletionBitmap(documentCount: count)
            // Whole runs of deleted documents too, so that some stored blocks have none live.
            let runStart = random.nextInt(below: count)
            for doc in 0..<count
            where (deleteEvery > 0 && random.nextInt(below: deleteEvery) == 0)
                || (doc >= runStart && doc < runStart + 60)
            {
                deletions.delete(UInt32(doc))
            }
            views.append(SegmentView(reader: reader, deletions: deletions))
            live += documents.indices.filter { !deletions.isDeleted(UInt32($0)) }.map { documents[$0] }
        }
        return (views, live)
    }

    @Test(arguments: [(UInt64(1), 3, 5), (2, 1, 0), (3, 6, 2), (4, 4, 40), (5, 2, 1)])
    func mergedSegmentEqualsAFreshBuild(seed: UInt64, segments: Int, deleteEvery: Int) throws {
        let scratch = ScratchDirectory()
        let (views, live) = try Self.inputs(scratch, seed: seed, segments: segments, deleteEvery: deleteEvery)
        let output = try Merger.merge(views, directory: scratch.path, name: "merged")
        guard !live.isEmpty else {
            #expect(output == nil)
            return
        }
        let merged = try #require(output).reader
        var builder = SegmentBuilder()
        for document in live { try builder.add(document) }
        _ = try builder.write(to: scratch.path, name: "reference")
        let reference = try SegmentReader(directory: scratch.path, name: "reference")
        try expectSameSegment(merged, reference)
        // The doc maps number the live documents in order.
        let docMaps = try #require(output).docMaps
        var next: UInt32 = 0
        for (view, docMap) in zip(views, docMaps) {
            for doc in 0..<UInt32(view.reader.documentCount) {
                #expect(docMap[doc] == (view.isDeleted(doc) ? nil : next))
                if !view.isDeleted(doc) { next += 1 }
            }
        }
    }

    @Test func everyDocumentDeletedMergesToNothing() throws {
        let scratch = ScratchDirectory()
        var builder = SegmentBuilder()
        for n in 0..<10 { try builder.add(document("d\(n)", "text \(n)")) }
        _ = try builder.write(to: scratch.path, name: "in")
        var deletions = DeletionBitmap(documentCount: 10)
        for doc in 0..<10 { deletions.delete(UInt32(doc)) }
        let view = SegmentView(reader: try SegmentReader(directory: scratch.path, name: "in"), deletions: deletions)
        #expect(try Merger.merge([view], directory: scratch.path, name: "merged") == nil)
        #expect(try SystemCalls.listDirectory(scratch.path).allSatisfy { $0.hasPrefix("in.") })
    }

    /// Merging a merged segment again (blocks copied compressed twice) still reads back.
    @Test func mergeOfMergesEqualsAFreshBuild() throws {
        let scratch = ScratchDirectory()
        let (views, live) = try Self.inputs(scratch, seed: 9, segments: 4, deleteEvery: 0)
        let first = try #require(try Merger.merge(Array(views[0..<2]), directory: scratch.path, name: "m1")).reader
        let second = try #require(try Merger.merge(Array(views[2...]), directory: scratch.path, name: "m2")).reader
        let merged = try #require(
            try Merger.merge(
                [SegmentView(reader: first, deletions: nil), SegmentView(reader: second, deletions: nil)],
                directory: scratch.path,
                name: "m3"
            )
        ).reader
        var builder = SegmentBuilder()
        for document in live { try builder.add(document) }
        _ = try builder.write(to: scratch.path, name: "reference")
        try expectSameSegment(merged, try SegmentReader(directory: scratch.path, name: "reference"))
    }

    /// Field numbers may differ between the two; everything is compared by field name.
    private func expectSameSegment(_ merged: SegmentReader, _ reference: SegmentReader) throws {
        #expect(merged.documentCount == reference.documentCount)
        for doc in 0..<UInt32(reference.documentCount) {
            #expect(try merged.document(doc) == reference.document(doc))
            #expect(try merged.id(doc) == reference.id(doc))
        }
        #expect(Set(merged.meta.fieldNames) == Set(reference.meta.fieldNames))
        var fieldMap: [UInt8: UInt8] = [SegmentMeta.idFieldNumber: SegmentMeta.idFieldNumber]
        for (field, name) in reference.meta.fieldNames.enumerated() {
            let other = try #require(merged.meta.fieldNumber(name))
            fieldMap[UInt8(field)] = UInt8(other)
            #expect(merged.meta.fieldStatistics[other] == reference.meta.fieldStatistics[field], "\(name)")
            for doc in 0..<UInt32(reference.documentCount) {
                #expect(merged.norms.length(doc: doc, field: other) == reference.norms.length(doc: doc, field: field))
            }
        }
        #expect(merged.dictionary.count == reference.dictionary.count)
        var compared = 0
        try reference.dictionary.enumerate(prefix: []) { key, info in
            let mergedKey = [fieldMap[key[0]]!] + key.dropFirst()
            guard let mergedInfo = try merged.dictionary.lookup(mergedKey) else {
                Issue.record("term \(key) missing from the merged segment")
                return true
            }
            #expect(mergedInfo.documentFrequency == info.documentFrequency)
            #expect(mergedInfo.totalTermFrequency == info.totalTermFrequency)
            #expect(postings(merged, mergedInfo) == postings(reference, info), "term \(key)")
            compared += 1
            return true
        }
        #expect(compared == reference.dictionary.count)
    }

    /// Every (doc, frequency, positions, block bounds) of one term.
    private func postings(_ reader: SegmentReader, _ info: TermInfo) -> [[UInt32]] {
        var cursor = reader.postings.cursor(for: info)
        var rows: [[UInt32]] = []
        var positions: [UInt32] = []
        while cursor.doc != PostingsCursor.noMoreDocs {
            cursor.positions(into: &positions)
            rows.append(
                [cursor.doc, cursor.frequency, cursor.blockMaxFrequency, cursor.blockMinFieldLength] + positions
            )
            _ = cursor.next()
        }
        rows.append([cursor.maxFrequency, cursor.minFieldLength, cursor.isCorrupt ? 1 : 0])
        return rows
    }
}

/// The throttle sleeps exactly as long as writes run ahead of the rate (an injected clock).
@Suite struct MergeThrottleTests {
    final class FakeClock {
        var now: Duration = .zero
        var slept: [Duration] = []
    }

    @Test func sleepsWhileAheadOfTheRateAndNeverBanksTime() {
        let clock = FakeClock()
        let throttle = MergeThrottle(
            bytesPerSecond: 1 << 20,
            now: { clock.now },
            sleep: {
                clock.slept.append($0)
                clock.now += $0
            }
        )
        throttle.wrote(1 << 20)  // one second's worth at once
        #expect(clock.slept == [.seconds(1)])
        throttle.wrote(512 << 10)
        #expect(clock.slept.last == .milliseconds(500))
        // Ten idle seconds do not let the next writes burst.
        clock.now += .seconds(10)
        throttle.wrote(256 << 10)
        #expect(clock.slept.last == .milliseconds(250))
        #expect(clock.slept.count == 3)
        // Writes slower than the rate never sleep.
        for _ in 0..<5 {
            clock.now += .seconds(1)
            throttle.wrote(1 << 10)
        }
        #expect(clock.slept.count == 3)
    }
}
