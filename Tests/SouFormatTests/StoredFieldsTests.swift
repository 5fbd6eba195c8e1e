import SouDocument
import SouTestSupport
import Testing

@testable import SouFormat

@Suite(.offCooperativePool) struct StoredFieldsTests {
    private static let samples: [String] = [
        "", "a", "大同日报", "北京欢迎你", "😀🎉👨‍👩‍👧", "line\nbreak", "tab\there", "quote \"q\" 'q'", "nul\0byte",
        "é ß ﬁ Ａ", "한국어", "カタカナ", "\r\n", "\\", "mixed 中文 and English 123",
    ]

    static func randomString(_ random: inout SplitMix64, maxPieces: Int = 12) -> String {
        var out = ""
        for _ in 0..<Int.random(in: 0...maxPieces, using: &random) {
            switch Int.random(in: 0..<3, using: &random) {
            case 0: out += samples.randomElement(using: &random)!
            case 1:
                // Any scalar, including CJK extension planes and controls (not surrogates).
                let value = UInt32.random(in: 0...0x10FFFF, using: &random)
                out.unicodeScalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default: out += String(repeating: "x", count: Int.random(in: 0...20, using: &random))
            }
        }
        return out
    }

    static func randomDocuments(_ count: Int, random: inout SplitMix64, blockSize: Int) -> [Document] {
        (0..<count).map { n in
            let fields = (0..<Int.random(in: 0...5, using: &random)).map { _ in
                var value = randomString(&random)
                if Int.random(in: 0..<40, using: &random) == 0 {
                    value += String(repeating: "大同 large value ", count: blockSize / 8 + 1)
                }
                return Document.Field(
                    name: ["title", "body", "tags", "作者", ""].randomElement(using: &random)!,
                    value: value
                )
            }
            return Document(id: "doc-\(n)-" + randomString(&random, maxPieces: 2), fields: fields)
        }
    }

    static func write(_ documents: [Document], blockSize: Int) throws -> [UInt8] {
        var writer = StoredFieldsWriter(blockSize: blockSize, level: 6)
        for document in documents { try writer.add(document) }
        #expect(writer.count == documents.count)
        return try writer.finish()
    }

    @Test(arguments: [(0, 16 * 1024), (1, 16 * 1024), (500, 16 * 1024), (300, 1), (400, 512), (2_000, 4 * 1024)])
    func roundTrip(count: Int, blockSize: Int) throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("stored \(count)/\(blockSize)"))
        let documents = Self.randomDocuments(count, random: &random, blockSize: blockSize)
        let reader = try StoredFieldsReader(file: storageMappedFile(Self.write(documents, blockSize: blockSize)))
        #expect(reader.count == count)
        for (id, document) in documents.enumerated() {
            #expect(try reader.document(UInt32(id)) == document, "doc \(id)")
        }
        // Random order too (exercises the one-block cache switching blocks).
        for _ in 0..<min(count, 300) {
            let id = Int.random(in: 0..<count, using: &random)
            #expect(try reader.document(UInt32(id)) == documents[id])
        }
        #expect(throws: FormatError.self) { try reader.document(UInt32(count)) }
        #expect(throws: FormatError.self) { try reader.document(UInt32.max) }
    }

    /// The worked example of docs/FORMAT.md §6 (level 0, so the zlib stream is readable).
    @Test func workedExampleMatchesFormatDocument() throws {
        var writer = StoredFieldsWriter(level: 0)
        try writer.add(Document(id: "d1", fields: [Document.Field(name: "title", value: "大同")]))
        let file = try writer.finish()
        let raw: [UInt8] = [
            0x11, 0x02, 0x64, 0x31, 0x01, 0x05, 0x74, 0x69, 0x74, 0x6C, 0x65, 0x06, 0xE5, 0xA4, 0xA7, 0xE5, 0x90, 0x8C,
        ]
        let body = Array(file[8..<(file.count - 4)])
        #expect(Array(body.prefix(7)) == [0x78, 0x01, 0x01, 0x12, 0x00, 0xED, 0xFF])
        #expect(Array(body[7..<25]) == raw)
        #expect(
            Array(body.suffix(36)) == [
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // firstDocID 0, offset 0
                0x1D, 0x00, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00,  // compressedSize 29, rawSize 18
                0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,  // documentCount 1, blockCount 1
                0x1D, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // indexOffset 29
            ]
        )
        print("stored fields example", file.map { String($0, radix: 16) }.joined(separator: " "))
    }

    @Test func subscriptFindsFirstFieldByName() {
        let document = Document(
            id: "x",
            fields: [
                .init(name: "title", value: "大同"), .init(name: "title", value: "second"),
                .init(name: "body", value: ""),
            ]
        )
        #expect(document[field: "title"] == "大同")
        #expect(document[field: "body"] == "")
        #expect(document[field: "missing"] == nil)
    }

    @Test func concurrentReadersAgree() async throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("stored concurrent"))
        let documents = Self.randomDocuments(400, random: &random, blockSize: 1024)
        let reader = try StoredFieldsReader(file: storageMappedFile(Self.write(documents, blockSize: 1024)))
        let seeds = (0..<4).map { _ in random.next() }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for seed in seeds {
                group.addTask {
                    var local = SplitMix64(seed: seed)
                    for _ in 0..<500 {
                        let id = Int.random(in: 0..<documents.count, using: &local)
                        guard try reader.document(UInt32(id)) == documents[id] else { return false }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }

    @Test func flippedBytesAreRejected() throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("stored flips"))
        let file = try Self.write(Self.randomDocuments(100, random: &random, blockSize: 512), blockSize: 512)
        try expectEveryFlipRejected(file, trials: 300, random: &random) { _ = try StoredFieldsReader(file: $0) }
        #expect(throws: FormatError.self) {
            _ = try StoredFieldsReader(file: storageMappedFile(Array(file.dropLast(9))))
        }
        #expect(throws: FormatError.self) {
            _ = try StoredFieldsReader(file: storageMappedFile(FileFraming.frame([0, 1], kind: .storedFields)))
        }
    }

    @Test func impossibleDocumentCountIsRejected() throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("stored counts"))
        let file = try Self.write(Self.randomDocuments(10, random: &random, blockSize: 64), blockSize: 64)
        var body = Array(file[8..<(file.count - 4)])
        let trailer = body.count - 16
        body[trailer + 3] = 0x7F  // documentCount ≈ 2^31: far more documents than the last block's bytes can hold
        #expect(throws: FormatError.self) {
            _ = try StoredFieldsReader(file: storageMappedFile(FileFraming.frame(body, kind: .storedFields)))
        }
    }

    @Test func corruptBodyWithValidChecksumNeverCrashes() throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("stored reframed"))
        let file = try Self.write(Self.randomDocuments(60, random: &random, blockSize: 256), blockSize: 256)
        try exerciseReframedCorruptions(file, kind: .storedFields, trials: 400, random: &random) { mapped in
            let reader = try StoredFieldsReader(file: mapped)
            for id in 0..<min(reader.count, 100) { _ = try? reader.document(UInt32(id)) }
            if reader.count > 0 { _ = try? reader.document(UInt32(reader.count - 1)) }
            _ = try reader.document(0)
        }
    }
}
