import SouDocument
import SouTestSupport
import Testing

@testable import SouFormat

#if canImport(Glibc)
import Glibc
#endif

/// A writer that streams to a `FramedFileOutput` (drained at every chance, so every offset
/// crosses a drain) writes exactly the bytes the same writer produces in memory.
@Suite struct StreamingWritersTests {
    /// A fresh path under /tmp, removed by `read(_:)`.
    private func scratchPath() -> String {
        "/tmp/sou-streaming-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    }

    private func read(_ path: String) throws -> [UInt8] {
        defer { unlink(path) }
        return try DurableFile.read(path)
    }

    @Test func postingsAndDictionary() throws {
        var random = SplitMix64(seed: 11)
        var memory = PostingsWriter()
        var streamed = PostingsWriter()
        var memoryDictionary = TermDictionaryWriter(termsPerBlock: 4)
        var streamedDictionary = TermDictionaryWriter(termsPerBlock: 4)
        let (postingsPath, positionsPath, dictionaryPath) = (scratchPath(), scratchPath(), scratchPath())
        let postingsFile = try FramedFileOutput(path: postingsPath, kind: .postings)
        let positionsFile = try FramedFileOutput(path: positionsPath, kind: .positions)
        let dictionaryFile = try FramedFileOutput(path: dictionaryPath, kind: .termDictionary)
        for term in 0..<300 {
            memory.startTerm()
            streamed.startTerm()
            // Some terms span several 128-document blocks.
            let documents = 1 + random.nextInt(below: term % 7 == 0 ? 700 : 20)
            var doc: UInt32 = 0
            for _ in 0..<documents {
                doc += 1 + UInt32(random.nextInt(below: 9))
                var position: UInt32 = 0
                let positions = (0...random.nextInt(below: 4)).map { _ in
                    position += 1 + UInt32(random.nextInt(below: 50))
                    return position
                }
                let length = position + UInt32(random.nextInt(below: 30))
                memory.add(docID: doc, positions: positions, fieldLength: length)
                streamed.add(docID: doc, positions: positions, fieldLength: length)
            }
            let key = Array("term\(String(term + 1000))".utf8)
            try memoryDictionary.add(key, memory.finishTerm())
            try streamedDictionary.add(key, streamed.finishTerm())
            try streamed.drain(postingsTo: postingsFile, positionsTo: positionsFile)
            try streamedDictionary.drain(to: dictionaryFile)
        }
        let (postings, positions) = memory.finish()
        let sizes = try streamed.finish(postingsTo: postingsFile, positionsTo: positionsFile)
        let dictionarySize = try streamedDictionary.finish(to: dictionaryFile)
        #expect(try read(postingsPath) == postings && sizes.postings == postings.count)
        #expect(try read(positionsPath) == positions && sizes.positions == positions.count)
        let dictionary = memoryDictionary.finish()
        #expect(try read(dictionaryPath) == dictionary && dictionarySize == dictionary.count)
    }

    @Test func storedFieldsWithCopiedBlocks() throws {
        let documents = (0..<200).map { n in
            Document(id: "d\(n)", fields: [.init(name: "body", value: String(repeating: "文本 \(n) ", count: n % 40))])
        }
        var memory = StoredFieldsWriter(blockSize: 512)
        var streamed = StoredFieldsWriter(blockSize: 512)
        let path = scratchPath()
        let file = try FramedFileOutput(path: path, kind: .storedFields)
        for document in documents {
            try memory.add(document)
            try streamed.add(document)
            try streamed.drain(to: file)
        }
        let image = try memory.finish()
        #expect(try streamed.finish(to: file) == image.count)
        #expect(try read(path) == image)

        // Blocks copied compressed from that file, between re-compressed documents, read back.
        let source = try StoredFieldsReader(file: try storageMappedFile(image))
        var copy = StoredFieldsWriter(blockSize: 512)
        let copyPath = scratchPath()
        let copyFile = try FramedFileOutput(path: copyPath, kind: .storedFields)
        var expected: [Document] = []
        for block in 0..<source.blockCount {
            let raw = try source.rawBlock(block)
            if block % 3 == 1 {
                try copy.add(documents[Int(raw.documents.lowerBound)])
                expected.append(documents[Int(raw.documents.lowerBound)])
            } else {
                try copy.addCompressedBlock(
                    raw.compressed,
                    rawSize: raw.rawSize,
                    documents: UInt32(raw.documents.count)
                )
                expected += raw.documents.map { documents[Int($0)] }
            }
            try copy.drain(to: copyFile)
        }
        _ = try copy.finish(to: copyFile)
        let copied = try StoredFieldsReader(file: try storageMappedFile(try read(copyPath)))
        #expect(copied.count == expected.count)
        for (doc, document) in expected.enumerated() { #expect(try copied.document(UInt32(doc)) == document) }
    }

    @Test func normsAndIdColumn() throws {
        let lengths: [[UInt32]] = [[3, 0, 7, 1], [0, 0, 2, 9], [5, 5, 5, 5]]
        var memory = FieldNormsWriter(fieldCount: 3)
        for doc in 0..<4 { memory.add(lengths: lengths.map { $0[doc] }) }
        let normsPath = scratchPath()
        var norms = try FieldNormsWriter.Streaming(
            fieldCount: 3,
            documentCount: 4,
            file: try FramedFileOutput(path: normsPath, kind: .fieldNorms)
        )
        for field in lengths { for length in field { try norms.add(length) } }
        let normsImage = memory.finish()
        #expect(try norms.finish() == normsImage.count)
        #expect(try read(normsPath) == normsImage)

        // Ids longer than the stream's buffer too.
        let ids = ["a", "编号-1", String(repeating: "x", count: 100_000), "last"]
        var column = IdColumnWriter()
        for id in ids { try column.add(id) }
        let idsPath = scratchPath()
        var streamed = try IdColumnWriter.Streaming(
            count: ids.count,
            file: try FramedFileOutput(path: idsPath, kind: .idColumn)
        )
        for id in ids { try streamed.addLength(id.utf8.count) }
        for id in ids { try Array(id.utf8).withUnsafeBytes { try streamed.addBytes($0) } }
        let idsImage = column.finish()
        #expect(try streamed.finish() == idsImage.count)
        #expect(try read(idsPath) == idsImage)
    }
}
