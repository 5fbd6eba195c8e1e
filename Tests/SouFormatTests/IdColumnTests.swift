import SouTestSupport
import Testing

@testable import SouFormat

#if canImport(Glibc)
import Glibc
#endif

@Suite(.offCooperativePool) struct IdColumnTests {
    @Test(arguments: [0, 1, 2, 1_000])
    func roundTrip(count: Int) throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("ids \(count)"))
        let alphabet = Array("abcxyz019-_.é大同🎉")
        let ids = (0..<count).map { number in
            String((0..<Int.random(in: 1...20, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
                + "\(number)"
        }
        var writer = IdColumnWriter()
        for id in ids { try writer.add(id) }
        let reader = try IdColumnReader(file: storageMappedFile(writer.finish()))
        #expect(reader.count == count)
        for (doc, id) in ids.enumerated() { #expect(try reader.id(UInt32(doc)) == id) }
        #expect(throws: FormatError.self) { try reader.id(UInt32(count)) }
    }

    @Test func layoutMatchesFormatDocument() throws {
        var writer = IdColumnWriter()
        try writer.add("a1")
        try writer.add("b")
        let image = writer.finish()
        #expect(Array(image.prefix(8)) == [0x53, 0x4F, 0x55, 0x43, 0x01, 0x00, 0x00, 0x00])
        #expect(Array(image.dropFirst(8).prefix(15)) == [2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0x61, 0x31, 0x62])
        #expect(image.count == 8 + 15 + 4)
    }

    /// Ends that do not increase, run past the bytes or stop short of them are refused at
    /// open even with a valid checksum (the file was written that way, not damaged later).
    @Test func inconsistentEndsAreRefused() throws {
        func image(count: UInt32, ends: [UInt32], bytes: [UInt8]) -> [UInt8] {
            var body = withUnsafeBytes(of: count.littleEndian, Array.init)
            for end in ends { body += withUnsafeBytes(of: end.littleEndian, Array.init) }
            return FileFraming.frame(body + bytes, kind: .idColumn)
        }
        let bad: [[UInt8]] = [
            image(count: 2, ends: [2, 2], bytes: Array("ab".utf8)),  // empty id
            image(count: 2, ends: [2, 1], bytes: Array("ab".utf8)),  // decreasing
            image(count: 2, ends: [1, 3], bytes: Array("ab".utf8)),  // past the bytes
            image(count: 1, ends: [1], bytes: Array("ab".utf8)),  // short of the bytes
            image(count: 1_000, ends: [1], bytes: Array("a".utf8)),  // count larger than the file
        ]
        for bytes in bad {
            #expect(throws: FormatError.self) { try IdColumnReader(file: storageMappedFile(bytes)) }
        }
    }

    /// Every flipped byte of a valid file is caught at open (checksum or structure).
    @Test func everyFlippedByteIsDetected() throws {
        var writer = IdColumnWriter()
        for number in 0..<20 { try writer.add("doc-\(number)") }
        let image = writer.finish()
        for offset in image.indices {
            var damaged = image
            damaged[offset] ^= 0x40
            #expect(throws: FormatError.self, "byte \(offset)") { try IdColumnReader(file: storageMappedFile(damaged)) }
        }
    }

    /// Bytes changed on disk after open (the checksum ran once) never make a lookup read
    /// outside the file: every byte of the ends and the ids, changed in turn under an open
    /// reader, gives the right id, another id-like string, or `FormatError`; never a crash.
    @Test func bytesChangedAfterOpenNeverCrashALookup() throws {
        var writer = IdColumnWriter()
        for number in 0..<8 { try writer.add("d\(number)") }
        let image = writer.finish()
        let directory = try TemporaryDirectory(prefix: "sou-ids")
        let path = directory.appending("seg.ids")
        try DurableFile.write(image, to: path, sync: false)
        let reader = try IdColumnReader(file: MappedFile(path: path))
        let fd = open(path, O_RDWR)
        #expect(fd >= 0)
        defer { close(fd) }
        // The body: count (4 bytes), the ends, the ids; not the frame or the checksum.
        for offset in 8..<(image.count - 4) {
            for value: UInt8 in [0x00, 0xFF, 0x7F] {
                var changed = value
                #expect(pwrite(fd, &changed, 1, off_t(offset)) == 1)
                for doc in 0..<8 { _ = try? reader.id(UInt32(doc)) }
                var original = image[offset]
                #expect(pwrite(fd, &original, 1, off_t(offset)) == 1)
            }
        }
        for doc in 0..<8 { #expect(try reader.id(UInt32(doc)) == "d\(doc)") }
    }
}

/// The shared cache of inflated stored blocks: keyed by reader and block, bounded in bytes,
/// least recently used out first.
@Suite struct StoredBlockCacheTests {
    @Test func inflatesOncePerBlockAndEvictsTheLeastRecentlyUsed() throws {
        let cache = StoredBlockCache(capacityBytes: 300)
        var inflations = 0
        func block(_ reader: UInt64, _ number: Int) -> [UInt8] {
            cache.block(reader: reader, block: number) {
                inflations += 1
                return [UInt8](repeating: UInt8(number), count: 100)
            }
        }
        #expect(block(1, 0) == [UInt8](repeating: 0, count: 100))
        #expect(block(1, 0) == [UInt8](repeating: 0, count: 100))
        #expect(inflations == 1)
        // Same block number of another reader: its own entry.
        #expect(block(2, 0) == [UInt8](repeating: 0, count: 100))
        #expect(inflations == 2)
        _ = block(1, 1)  // 300 bytes held: (1,0) (2,0) (1,1)
        _ = block(1, 0)  // (1,0) is now the most recently used
        _ = block(1, 2)  // over the budget: (2,0), the least recently used, goes
        #expect(inflations == 4)
        #expect(cache.statistics.bytes == 300)
        _ = block(1, 0)
        _ = block(1, 1)
        _ = block(1, 2)
        #expect(inflations == 4)
        _ = block(2, 0)
        #expect(inflations == 5)
    }

    @Test func aBlockLargerThanTheCacheIsNotKept() throws {
        let cache = StoredBlockCache(capacityBytes: 10)
        var inflations = 0
        for _ in 0..<3 {
            _ = cache.block(reader: 1, block: 0) {
                inflations += 1
                return [UInt8](repeating: 1, count: 11)
            }
        }
        #expect(inflations == 3)
        #expect(cache.statistics.bytes == 0)
    }
}
