import SouTestSupport
import Testing

@testable import SouFormat

@Suite(.offCooperativePool) struct TermDictionaryTests {
    /// Pieces keys are built from: small alphabet (many shared prefixes), the extreme bytes, and
    /// multi-byte UTF-8 (CJK, emoji).
    private static let pieces: [[UInt8]] = [
        [0x00], [0xFF], [0x61], [0x62], [0x7A], Array("大".utf8), Array("同".utf8), Array("😀".utf8),
        Array("é".utf8), [0x01, 0x61],
    ]

    /// A sorted set of `count` distinct keys of 0–40 bytes.
    static func randomKeys(_ count: Int, random: inout SplitMix64) -> [[UInt8]] {
        var set = Set<[UInt8]>()
        var made: [[UInt8]] = []
        var attempts = 0
        while set.count < count && attempts < count * 50 + 100 {
            attempts += 1
            var key: [UInt8] = []
            if !made.isEmpty && Bool.random(using: &random) {
                let base = made.randomElement(using: &random)!
                key = Array(base.prefix(Int.random(in: 0...base.count, using: &random)))
            }
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                if Int.random(in: 0..<4, using: &random) == 0 {
                    key.append(UInt8.random(in: 0...255, using: &random))
                } else {
                    key += pieces.randomElement(using: &random)!
                }
            }
            key = Array(key.prefix(40))
            if set.insert(key).inserted { made.append(key) }
        }
        return set.sorted { $0.lexicographicallyPrecedes($1) }
    }

    static func randomInfo(random: inout SplitMix64) -> TermInfo {
        TermInfo(
            documentFrequency: UInt32.random(in: 0...UInt32.max, using: &random)
                >> UInt32.random(in: 0...31, using: &random),
            postingsOffset: UInt64.random(in: 0...UInt64.max, using: &random)
                >> UInt64.random(in: 0...63, using: &random),
            positionsOffset: UInt64.random(in: 0...UInt64.max, using: &random)
                >> UInt64.random(in: 0...63, using: &random),
            totalTermFrequency: UInt64.random(in: 0...UInt64.max, using: &random)
                >> UInt64.random(in: 0...63, using: &random)
        )
    }

    static func build(_ keys: [[UInt8]], _ infos: [TermInfo], termsPerBlock: Int) throws -> TermDictionaryReader {
        var writer = TermDictionaryWriter(termsPerBlock: termsPerBlock)
        for (key, info) in zip(keys, infos) { try writer.add(key, info) }
        #expect(writer.count == keys.count)
        return try TermDictionaryReader(file: storageMappedFile(writer.finish(), name: "dict"))
    }

    static func collect(_ reader: TermDictionaryReader, prefix: [UInt8]) throws -> [([UInt8], TermInfo)] {
        var out: [([UInt8], TermInfo)] = []
        try reader.enumerate(prefix: prefix) { term, info in
            out.append((term, info))
            return true
        }
        return out
    }

    @Test(arguments: [(0, 32), (1, 32), (31, 32), (32, 32), (33, 32), (10_000, 32), (500, 1), (700, 7), (300, 16)])
    func roundTrip(size: Int, termsPerBlock: Int) throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("dictionary \(size)/\(termsPerBlock)"))
        let keys = Self.randomKeys(size, random: &random)
        try #require(keys.count == size)
        let infos = keys.map { _ in Self.randomInfo(random: &random) }
        let reader = try Self.build(keys, infos, termsPerBlock: termsPerBlock)
        #expect(reader.count == size)
        let keySet = Set(keys)

        // Every key is found with its own info.
        for (key, info) in zip(keys, infos) {
            #expect(try reader.lookup(key) == info, "key \(key)")
        }
        // Absent keys: before the first, after the last, between neighbours, random.
        var absent: [[UInt8]] = [[0xFF] + Array(repeating: 0xFF, count: 41), Array(repeating: 0x00, count: 41)]
        if let first = keys.first, !first.isEmpty {
            absent.append([])
            absent.append(Array(first.dropLast()))
        }
        if let last = keys.last {
            absent.append(last + [0x00])
            absent.append(last + [0xFF, 0xFF])
        }
        for (a, b) in zip(keys, keys.dropFirst()) where Int.random(in: 0..<4, using: &random) == 0 {
            absent.append(a + [0x00])
            if let lastByte = b.last, lastByte > 0 { absent.append(b.dropLast() + [lastByte - 1, 0xFF]) }
        }
        absent += Self.randomKeys(200, random: &random)
        for key in absent where !keySet.contains(key) {
            #expect(try reader.lookup(key) == nil, "absent key \(key)")
        }

        // Prefix enumeration equals filtering the sorted array.
        var prefixes: [[UInt8]] = [[], [0x00], [0xFF], [0x61], Array("大".utf8), Array("大".utf8.prefix(1))]
        for _ in 0..<60 {
            if let key = keys.randomElement(using: &random) {
                prefixes.append(Array(key.prefix(Int.random(in: 0...key.count, using: &random))))
            }
        }
        prefixes += Self.randomKeys(20, random: &random)
        for prefix in prefixes {
            let got = try Self.collect(reader, prefix: prefix)
            let expected = zip(keys, infos).filter { $0.0.starts(with: prefix) }
            #expect(got.map(\.0) == expected.map(\.0), "prefix \(prefix)")
            #expect(got.map(\.1) == expected.map(\.1), "prefix \(prefix)")
        }
    }

    @Test func enumerationStopsWhenTold() throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("dictionary stop"))
        let keys = Self.randomKeys(1000, random: &random)
        let infos = keys.map { _ in Self.randomInfo(random: &random) }
        let reader = try Self.build(keys, infos, termsPerBlock: 32)
        var seen: [[UInt8]] = []
        try reader.enumerate(prefix: []) { term, _ in
            seen.append(term)
            return seen.count < 100
        }
        #expect(seen == Array(keys.prefix(100)))
        struct Stop: Error {}
        #expect(throws: Stop.self) { try reader.enumerate(prefix: []) { _, _ in throw Stop() } }
    }

    @Test func cjkFieldKeysAndSlotPrefix() throws {
        // Field 1 holds 大, 大同, 大学; field 2 holds 大同. A slot "field 1, prefix 大" yields field 1's three.
        let info = TermInfo(documentFrequency: 1, postingsOffset: 0, positionsOffset: 0, totalTermFrequency: 1)
        var keys = [
            [1] + Array("大".utf8), [1] + Array("大同".utf8), [1] + Array("大学".utf8), [2] + Array("大同".utf8),
            [1] + Array("a".utf8),
        ]
        keys.sort { $0.lexicographicallyPrecedes($1) }
        let reader = try Self.build(keys, keys.map { _ in info }, termsPerBlock: 2)
        let got = try Self.collect(reader, prefix: [1] + Array("大".utf8)).map {
            String(decoding: $0.0.dropFirst(), as: UTF8.self)
        }
        #expect(got == ["大", "大同", "大学"].sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(try reader.lookup([2] + Array("大".utf8)) == nil)
    }

    @Test func unsortedOrDuplicateAddThrows() throws {
        let info = TermInfo(documentFrequency: 1, postingsOffset: 2, positionsOffset: 3, totalTermFrequency: 4)
        var writer = TermDictionaryWriter()
        try writer.add([0x61, 0x62], info)
        #expect(throws: FormatError.self) { try writer.add([0x61, 0x62], info) }
        #expect(throws: FormatError.self) { try writer.add([0x61], info) }
        #expect(throws: FormatError.self) { try writer.add([], info) }
        try writer.add([0x61, 0x62, 0x00], info)
        #expect(writer.count == 2)
        let reader = try TermDictionaryReader(file: storageMappedFile(writer.finish()))
        #expect(try reader.lookup([0x61, 0x62, 0x00]) == info)
        #expect(reader.count == 2)
    }

    /// The worked example of docs/FORMAT.md §5, byte for byte.
    @Test func workedExampleMatchesFormatDocument() throws {
        var writer = TermDictionaryWriter(termsPerBlock: 2)
        try writer.add(
            [0x01] + Array("ab".utf8),
            TermInfo(documentFrequency: 2, postingsOffset: 0, positionsOffset: 0, totalTermFrequency: 3)
        )
        try writer.add(
            [0x01] + Array("ac".utf8),
            TermInfo(documentFrequency: 1, postingsOffset: 10, positionsOffset: 5, totalTermFrequency: 1)
        )
        try writer.add(
            [0x01] + Array("b".utf8),
            TermInfo(documentFrequency: 1, postingsOffset: 18, positionsOffset: 8, totalTermFrequency: 2)
        )
        let file = writer.finish()
        let body: [UInt8] = [
            0x00, 0x03, 0x01, 0x61, 0x62, 0x02, 0x00, 0x00, 0x03,  // block 0: "\u{1}ab" whole
            0x02, 0x01, 0x63, 0x01, 0x0A, 0x05, 0x01,  // "\u{1}ac": share 2, suffix "c"
            0x00, 0x02, 0x01, 0x62, 0x01, 0x12, 0x08, 0x02,  // block 1: "\u{1}b" whole
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // blockOffset[0] = 0
            0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // blockOffset[1] = 16
            0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // indexOffset = 24
            0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // termCount = 3
            0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,  // blockCount = 2, termsPerBlock = 2
        ]
        #expect(Array(file[8..<(file.count - 4)]) == body)
        #expect(Array(file.prefix(8)) == [0x53, 0x4F, 0x55, 0x44, 0x01, 0x00, 0x00, 0x00])
        print("term dictionary example crc32", file.suffix(4).map { String($0, radix: 16) })
    }

    @Test func flippedBytesAreRejected() throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("dictionary flips"))
        let keys = Self.randomKeys(300, random: &random)
        var writer = TermDictionaryWriter(termsPerBlock: 16)
        for key in keys { try writer.add(key, Self.randomInfo(random: &random)) }
        let file = writer.finish()
        try expectEveryFlipRejected(file, trials: 300, random: &random) { _ = try TermDictionaryReader(file: $0) }
        // Wrong kind, truncated, empty.
        #expect(throws: FormatError.self) {
            _ = try TermDictionaryReader(file: storageMappedFile(FileFraming.frame([], kind: .postings)))
        }
        #expect(throws: FormatError.self) {
            _ = try TermDictionaryReader(file: storageMappedFile(Array(file.dropLast(5))))
        }
        #expect(throws: FormatError.self) { _ = try TermDictionaryReader(file: storageMappedFile([])) }
        #expect(throws: FormatError.self) {
            _ = try TermDictionaryReader(file: storageMappedFile(FileFraming.frame([1, 2, 3], kind: .termDictionary)))
        }
    }

    @Test func corruptBodyWithValidChecksumNeverCrashes() throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("dictionary reframed"))
        let keys = Self.randomKeys(200, random: &random)
        var writer = TermDictionaryWriter(termsPerBlock: 8)
        for key in keys { try writer.add(key, Self.randomInfo(random: &random)) }
        let probes = keys.shuffled(using: &random).prefix(20) + [[], [0xFF]]
        try exerciseReframedCorruptions(writer.finish(), kind: .termDictionary, trials: 400, random: &random) { file in
            let reader = try TermDictionaryReader(file: file)
            for probe in probes { _ = try reader.lookup(probe) }
            try reader.enumerate(prefix: []) { _, _ in true }
            try reader.enumerate(prefix: [0x61]) { _, _ in true }
        }
    }
}
