import SouDocument
import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

#if canImport(Glibc)
import Glibc
#endif

/// A segment written by `SegmentBuilder` reads back exactly, and corruption is detected on open.
@Suite(.offCooperativePool) struct SegmentTests {
    static let documents = [
        Document(id: "a", fields: [.init(name: "title", value: "大同日报"), .init(name: "body", value: "大同市 5G+ 教育")]),
        Document(id: "b/2", fields: [.init(name: "body", value: "line one\nline \"two\"\t😀")]),
        Document(id: "c", fields: []),
    ]

    @Test func writtenSegmentReadsBack() throws {
        let fixture = try SnapshotFixture(documents: Self.documents)
        let reader = try #require(fixture.snapshot.segments.first?.reader)
        #expect(reader.documentCount == 3)
        #expect(reader.meta.fieldNames == ["title", "body"])
        for (index, document) in Self.documents.enumerated() {
            #expect(try reader.docID(forExternalID: document.id) == UInt32(index))
            #expect(try reader.document(UInt32(index)) == document)
        }
        #expect(try reader.docID(forExternalID: "zzz") == nil)
        // 大同市 5G+ 教育: 大同@0 同市@1 市@2 5g@3 教育@4 育@5 → length 6.
        #expect(reader.norms.length(doc: 0, field: 1) == 6)
        #expect(reader.meta.fieldStatistics[0] == FieldStatistics(totalLength: 4, documentCount: 1))
        let info = try #require(try reader.dictionary.lookup(SegmentReader.key(field: 1, term: "5g")))
        var cursor = reader.postings.cursor(for: info)
        #expect(cursor.doc == 0)
        var positions: [UInt32] = []
        cursor.positions(into: &positions)
        #expect(positions == [3])
    }

    /// Hit ids come from the id column; a segment written before it existed (its manifest
    /// entry lists no `.ids`) opens without one and reads ids from the stored fields, while a
    /// listed `.ids` that is missing refuses the segment.
    @Test func idsComeFromTheColumnOrFromOlderSegmentsStoredFields() throws {
        let fixture = try SnapshotFixture(documents: Self.documents)
        let reader = try #require(fixture.snapshot.segments.first?.reader)
        #expect(reader.ids != nil)
        for (index, document) in Self.documents.enumerated() { #expect(try reader.id(UInt32(index)) == document.id) }

        let idsPath = SegmentFile.ids.path(directory: fixture.directory, segment: "seg0")
        #expect(unlink(idsPath) == 0)
        let older = SegmentFile.allCases.filter { $0 != .ids }.map { $0.fileName(segment: "seg0") }
        let legacy = try SegmentReader(directory: fixture.directory, name: "seg0", files: older)
        #expect(legacy.ids == nil)
        for (index, document) in Self.documents.enumerated() { #expect(try legacy.id(UInt32(index)) == document.id) }
        #expect(throws: FormatError.self) {
            try SegmentReader(directory: fixture.directory, name: "seg0", files: older + ["seg0.ids"])
        }
        #expect(throws: FormatError.self) { try SegmentReader(directory: fixture.directory, name: "seg0") }
    }

    @Test func invalidDocumentsAreRejected() throws {
        var builder = SegmentBuilder()
        #expect(throws: IndexError.self) { try builder.add(Document(id: "", fields: [])) }
        #expect(throws: IndexError.self) { try builder.add(Document(id: "has space", fields: [])) }
        #expect(throws: IndexError.self) {
            try builder.add(Document(id: "x", fields: [.init(name: "Bad", value: "")]))
        }
        #expect(throws: IndexError.self) {
            try builder.add(Document(id: String(repeating: "x", count: 513), fields: []))
        }
        #expect(builder.documentCount == 0)
    }

    /// Every byte of every segment file, flipped in turn (plus truncation and removal), makes
    /// opening the segment throw a `FormatError` whose message names that file.
    @Test func aFlippedByteInAnySegmentFileIsDetectedOnOpen() throws {
        let fixture = try SnapshotFixture(documents: Self.documents)
        var random = SplitMix64(seed: 0xF11B)
        print("SegmentTests flips seed", 0xF11B)
        func expectFailure(naming file: SegmentFile, _ what: String) {
            do {
                _ = try SegmentReader(directory: fixture.directory, name: "seg0")
                Issue.record("\(file.fileName(segment: "seg0")) \(what): opened without error")
            } catch let error as FormatError {
                #expect("\(error)".contains(file.fileName(segment: "seg0")), "\(what): \(error)")
            } catch {
                Issue.record("\(what): not a FormatError: \(error)")
            }
        }
        var flips = 0
        for file in SegmentFile.allCases {
            let path = file.path(directory: fixture.directory, segment: "seg0")
            let original = try DurableFile.read(path)
            #expect(original.count >= 12, "\(file)")
            for index in original.indices {
                var corrupt = original
                corrupt[index] ^= UInt8(1 + random.next() % 255)
                try DurableFile.write(corrupt, to: path, sync: false)
                expectFailure(naming: file, "byte \(index) of \(original.count) flipped")
                flips += 1
            }
            for length in [0, 4, original.count / 2, original.count - 1] {
                try DurableFile.write(Array(original.prefix(length)), to: path, sync: false)
                expectFailure(naming: file, "truncated to \(length)")
            }
            try DurableFile.write(original + [0], to: path, sync: false)
            expectFailure(naming: file, "one byte appended")
            try DurableFile.write(original, to: path, sync: false)
            unlink(path)
            expectFailure(naming: file, "missing")
            try DurableFile.write(original, to: path, sync: false)
        }
        print("SegmentTests: \(flips) flipped bytes over \(SegmentFile.allCases.count) files")
        // Restored: opens again.
        #expect(try SegmentReader(directory: fixture.directory, name: "seg0").documentCount == 3)
    }
}
