import SouTestSupport
import Testing

@testable import SouFormat

@Suite(.offCooperativePool) struct FieldNormsTests {
    @Test(arguments: [(0, 0), (3, 0), (0, 5), (1, 1), (4, 1_000), (7, 333)])
    func roundTrip(fieldCount: Int, documentCount: Int) throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("norms \(fieldCount)x\(documentCount)"))
        var writer = FieldNormsWriter(fieldCount: fieldCount)
        var expected: [[UInt32]] = []
        for _ in 0..<documentCount {
            var lengths = (0..<fieldCount).map { _ in
                Bool.random(using: &random)
                    ? UInt32.random(in: 0...50, using: &random) : UInt32.random(in: 0...UInt32.max, using: &random)
            }
            // Sometimes leave trailing fields out: they read back as 0.
            let given = Int.random(in: 0...fieldCount, using: &random)
            for field in given..<fieldCount { lengths[field] = 0 }
            writer.add(lengths: Array(lengths.prefix(given)))
            expected.append(lengths)
        }
        #expect(writer.count == documentCount)
        let reader = try FieldNormsReader(file: storageMappedFile(writer.finish()))
        #expect(reader.fieldCount == fieldCount)
        #expect(reader.documentCount == documentCount)
        for doc in 0..<documentCount {
            for field in 0..<fieldCount {
                #expect(reader.length(doc: UInt32(doc), field: field) == expected[doc][field])
            }
        }
        for field in 0..<fieldCount {
            #expect(reader.totalLength(field: field) == expected.reduce(0) { $0 + UInt64($1[field]) })
        }
        #expect(reader.length(doc: UInt32(documentCount), field: 0) == 0)
        #expect(reader.length(doc: UInt32.max, field: 0) == 0)
        #expect(reader.length(doc: 0, field: fieldCount) == 0)
        #expect(reader.length(doc: 0, field: -1) == 0)
        #expect(reader.totalLength(field: fieldCount) == 0)
    }

    @Test func layoutIsFieldMajor() throws {
        var writer = FieldNormsWriter(fieldCount: 2)
        writer.add(lengths: [3, 7])
        writer.add(lengths: [4, 0x0102])
        let file = writer.finish()
        #expect(
            Array(file[8..<(file.count - 4)]) == [
                2, 0, 0, 0, 2, 0, 0, 0,  // fieldCount 2, documentCount 2
                3, 0, 0, 0, 4, 0, 0, 0,  // field 0: doc 0, doc 1
                7, 0, 0, 0, 2, 1, 0, 0,  // field 1: doc 0, doc 1
            ]
        )
        print("field norms example crc32", file.suffix(4).map { String($0, radix: 16) })
    }

    @Test func badFilesAreRejected() throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("norms flips"))
        var writer = FieldNormsWriter(fieldCount: 3)
        for _ in 0..<100 { writer.add(lengths: (0..<3).map { _ in UInt32.random(in: 0...100, using: &random) }) }
        let file = writer.finish()
        try expectEveryFlipRejected(file, trials: 300, random: &random) { _ = try FieldNormsReader(file: $0) }
        // Size that disagrees with the counts, with a valid checksum.
        var body = Array(file[8..<(file.count - 4)])
        body.removeLast(4)
        #expect(throws: FormatError.self) {
            _ = try FieldNormsReader(file: storageMappedFile(FileFraming.frame(body, kind: .fieldNorms)))
        }
        body[0] = 0xFF
        #expect(throws: FormatError.self) {
            _ = try FieldNormsReader(file: storageMappedFile(FileFraming.frame(body, kind: .fieldNorms)))
        }
        // 4 × (2^32−1)² overflows 64 bits.
        body.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: FormatError.self) {
            _ = try FieldNormsReader(file: storageMappedFile(FileFraming.frame(body, kind: .fieldNorms)))
        }
        #expect(throws: FormatError.self) {
            _ = try FieldNormsReader(file: storageMappedFile(FileFraming.frame([1, 0, 0], kind: .fieldNorms)))
        }
        try exerciseReframedCorruptions(file, kind: .fieldNorms, trials: 200, random: &random) { mapped in
            let reader = try FieldNormsReader(file: mapped)
            for doc in 0..<UInt32(120) { for field in -1..<5 { _ = reader.length(doc: doc, field: field) } }
        }
    }
}
