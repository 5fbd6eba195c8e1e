import SouTestSupport
import Testing

@testable import SouFormat

@Suite(.offCooperativePool) struct ZlibTests {
    @Test func roundTripsRandomAndRepetitiveInputs() throws {
        var random = SplitMix64(seed: SplitMix64.printedSeed("zlib"))
        var inputs: [[UInt8]] = [[], [0], Array("大同日报\n\t\"\0".utf8), Array(repeating: 0x61, count: 100_000)]
        for _ in 0..<30 {
            let count = Int.random(in: 0...70_000, using: &random)
            let alphabet = UInt8.random(in: 1...255, using: &random)
            inputs.append((0..<count).map { _ in UInt8.random(in: 0...alphabet, using: &random) })
        }
        for input in inputs {
            for level: Int32 in [0, 1, 6, 9] {
                let compressed = try Zlib.compress(input, level: level)
                let back = try compressed.withUnsafeBytes { try Zlib.decompress($0, originalSize: input.count) }
                #expect(back == input, "\(input.count) bytes at level \(level)")
            }
        }
        #expect(try Zlib.compress(Array(repeating: 0x61, count: 100_000)).count < 1_000)
    }

    @Test func wrongSizeOrDamagedStreamThrows() throws {
        let input = Array("the quick brown fox 大同 jumps over the lazy dog, again and again and again".utf8)
        let compressed = try Zlib.compress(input)
        compressed.withUnsafeBytes { raw in
            #expect(throws: FormatError.self) { try Zlib.decompress(raw, originalSize: input.count - 1) }
            #expect(throws: FormatError.self) { try Zlib.decompress(raw, originalSize: input.count + 1) }
            #expect(throws: FormatError.self) { try Zlib.decompress(raw, originalSize: 0) }
            #expect(throws: FormatError.self) { try Zlib.decompress(raw, originalSize: -1) }
            #expect(throws: FormatError.self) {
                try Zlib.decompress(UnsafeRawBufferPointer(rebasing: raw.dropLast(3)), originalSize: input.count)
            }
        }
        #expect(throws: FormatError.self) {
            try (compressed + [0]).withUnsafeBytes { try Zlib.decompress($0, originalSize: input.count) }
        }
        #expect(throws: FormatError.self) {
            try [UInt8]().withUnsafeBytes { try Zlib.decompress($0, originalSize: 0) }
        }
        // Every single flipped byte is caught (header check, deflate errors, or the Adler-32).
        for index in compressed.indices {
            var damaged = compressed
            damaged[index] ^= 0x24
            let result = try? damaged.withUnsafeBytes { try Zlib.decompress($0, originalSize: input.count) }
            #expect(result == nil || result == input, "flip at \(index)")
            #expect(result == nil, "flip at \(index) went unnoticed")
        }
        #expect(throws: FormatError.self) { try Zlib.compress([1, 2, 3], level: 42) }
    }
}
