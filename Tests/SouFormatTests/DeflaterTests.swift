import SouRandom
import Testing

@testable import SouFormat

/// A reused deflate stream produces exactly what a fresh one does, block after block, and
/// its streams inflate back.
@Suite struct DeflaterTests {
    @Test func reusedStreamEqualsOneShotCompression() throws {
        var random = SplitMix64(seed: 5)
        let deflater = Deflater(level: 6)
        let inputs: [[UInt8]] =
            [[], [42], Array("中文分词 search 搜".utf8)]
            + (0..<20).map { round in
                // Compressible text and random bytes, up to 64 KiB.
                let count = Int(random.next() % 65_536)
                return round % 2 == 0
                    ? (0..<count).map { UInt8(truncatingIfNeeded: $0 % 37 + 60) }
                    : (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
        for input in inputs {
            let reused = try deflater.compress(input)
            #expect(reused == (try Zlib.compress(input, level: 6)))
            let inflated = try reused.withUnsafeBytes { try Zlib.decompress($0, originalSize: input.count) }
            #expect(inflated == input)
        }
    }
}
