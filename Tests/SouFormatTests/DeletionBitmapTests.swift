import SouTestSupport
import Testing

@testable import SouFormat

@Suite(.offCooperativePool) struct DeletionBitmapTests {
    @Test(arguments: [0, 1, 63, 64, 65, 1_000, 100_003])
    func deleteAndRoundTrip(documentCount: Int) throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("bitmap \(documentCount)"))
        var bitmap = DeletionBitmap(documentCount: documentCount)
        var expected = Set<Int>()
        #expect(bitmap.deletedCount == 0)
        for _ in 0..<(documentCount / 3 + 2) where documentCount > 0 {
            let doc = Int.random(in: 0..<documentCount, using: &random)
            #expect(bitmap.delete(UInt32(doc)) == expected.insert(doc).inserted)
        }
        if documentCount > 0 {
            #expect(bitmap.delete(UInt32(documentCount - 1)) == expected.insert(documentCount - 1).inserted)
        }
        #expect(bitmap.delete(UInt32(documentCount)) == false)
        #expect(bitmap.delete(UInt32.max) == false)
        #expect(bitmap.deletedCount == expected.count)
        #expect(bitmap.documentCount == documentCount)
        for doc in 0..<documentCount { #expect(bitmap.isDeleted(UInt32(doc)) == expected.contains(doc)) }
        #expect(!bitmap.isDeleted(UInt32(documentCount)))

        let file = bitmap.encode()
        let fromFile = try DeletionBitmap(file: storageMappedFile(file))
        #expect(fromFile == bitmap)
        let fromBytes = try file.withUnsafeBytes { try DeletionBitmap(bytes: $0, file: "t") }
        #expect(fromBytes == bitmap)
    }

    @Test func copiesAreIndependent() {
        var a = DeletionBitmap(documentCount: 10)
        a.delete(3)
        var b = a
        b.delete(4)
        #expect(!a.isDeleted(4) && b.isDeleted(4) && a.isDeleted(3))
        #expect(a.deletedCount == 1 && b.deletedCount == 2)
    }

    /// Re-frames a body with a valid checksum.
    private static func reframe(_ file: [UInt8], _ change: (inout [UInt8]) -> Void) throws -> MappedFile {
        var body = Array(file[8..<(file.count - 4)])
        change(&body)
        let version = UInt16(file[4]) | UInt16(file[5]) << 8
        return try storageMappedFile(FileFraming.frame(body, kind: .deletions, version: version))
    }

    @Test func inconsistentFilesAreRejected() throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("bitmap flips"))
        var bitmap = DeletionBitmap(documentCount: 100)
        for doc: UInt32 in [0, 5, 63, 64, 99] { bitmap.delete(doc) }
        let file = bitmap.encode()
        // The worked example of docs/FORMAT.md §8.
        #expect(
            Array(file[8..<(file.count - 4)]) == [
                100, 0, 0, 0, 5, 0, 0, 0,  // documentCount 100, deletedCount 5
                0x21, 0, 0, 0, 0, 0, 0, 0x80,  // word 0: docs 0, 5, 63
                0x01, 0, 0, 0, 0x08, 0, 0, 0,  // word 1: docs 64, 99
            ]
        )
        print("deletions example crc32", file.suffix(4).map { String($0, radix: 16) })
        try expectEveryFlipRejected(file, trials: 200, random: &random) { _ = try DeletionBitmap(file: $0) }
        // popcount ≠ deletedCount
        #expect(throws: FormatError.self) { _ = try DeletionBitmap(file: Self.reframe(file) { $0[4] = 4 }) }
        #expect(throws: FormatError.self) { _ = try DeletionBitmap(file: Self.reframe(file) { $0[8] ^= 0x02 }) }
        // a bit past documentCount (doc 100 = bit 36 of word 1) with the count adjusted
        #expect(throws: FormatError.self) {
            _ = try DeletionBitmap(
                file: Self.reframe(file) {
                    $0[4] = 6
                    $0[16 + 4] |= 0x10
                }
            )
        }
        // size disagrees with documentCount
        #expect(throws: FormatError.self) { _ = try DeletionBitmap(file: Self.reframe(file) { $0[0] = 200 }) }
        #expect(throws: FormatError.self) { _ = try DeletionBitmap(file: Self.reframe(file) { $0.removeLast() }) }
        #expect(throws: FormatError.self) {
            _ = try DeletionBitmap(file: storageMappedFile(FileFraming.frame([], kind: .deletions)))
        }
        #expect(throws: FormatError.self) {
            _ = try DeletionBitmap(
                file: storageMappedFile(FileFraming.frame([0, 0, 0, 0, 0, 0, 0, 0], kind: .fieldNorms))
            )
        }
        // The empty bitmap is valid.
        #expect(
            try DeletionBitmap(file: Self.reframe(file) { $0 = [0, 0, 0, 0, 0, 0, 0, 0] })
                == DeletionBitmap(documentCount: 0)
        )
        try exerciseReframedCorruptions(file, kind: .deletions, trials: 200, random: &random) { mapped in
            let decoded = try DeletionBitmap(file: mapped)
            for doc in 0..<UInt32(130) { _ = decoded.isDeleted(doc) }
        }
    }

    /// Version 2 carries the deleted documents' field statistics: kept up to date by
    /// `delete(_:norms:)`, equal to a count over the norms, written and read back; a plain
    /// `delete(_:)` makes them unknown and the file version 1.
    @Test func statisticsFollowDeletionsAndRoundTrip() throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("bitmap statistics"))
        let documentCount = 1_000
        let fieldCount = 3
        var writer = FieldNormsWriter(fieldCount: fieldCount)
        for _ in 0..<documentCount {
            writer.add(lengths: (0..<fieldCount).map { _ in UInt32.random(in: 0...3, using: &random) * 7 })
        }
        let norms = try FieldNormsReader(file: storageMappedFile(writer.finish()))
        var bitmap = DeletionBitmap(documentCount: documentCount)
        #expect(bitmap.deletedStatistics == [])
        for _ in 0..<400 {
            bitmap.delete(UInt32.random(in: 0..<UInt32(documentCount + 10), using: &random), norms: norms)
            var counted = bitmap
            counted.countDeletedStatistics(norms: norms)
            #expect(bitmap.deletedStatistics == counted.deletedStatistics)
        }
        let file = bitmap.encode()
        #expect(file[4] == 2)
        let read = try DeletionBitmap(file: storageMappedFile(file))
        #expect(read == bitmap && read.deletedStatistics == bitmap.deletedStatistics)
        // Too many deleted documents holding a field: refused.
        #expect(throws: FormatError.self) {
            _ = try DeletionBitmap(
                file: Self.reframe(file) { body in
                    let count = body.count - 12 * fieldCount + 8  // field 0's documentCount
                    body.replaceSubrange(count..<(count + 4), with: [0xff, 0xff, 0, 0])
                }
            )
        }
        var plain = bitmap
        plain.delete(UInt32(documentCount - 1))
        plain.delete(0)
        if plain.deletedCount > bitmap.deletedCount {
            #expect(plain.deletedStatistics == nil)
            let old = plain.encode()
            #expect(old[4] == 1)
            var reread = try DeletionBitmap(file: storageMappedFile(old))
            #expect(reread.deletedStatistics == nil && reread == plain)
            reread.countDeletedStatistics(norms: norms)
            var expected = plain
            expected.countDeletedStatistics(norms: norms)
            #expect(reread.deletedStatistics == expected.deletedStatistics)
        }
    }
}
