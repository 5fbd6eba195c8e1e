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

/// A posting whose positions come already encoded writes the same files as one whose
/// positions come as numbers.
@Suite struct EncodedPositionsTests {
    @Test func encodedPositionsWriteTheSameFiles() {
        var random = SplitMix64(seed: 9)
        var plain = PostingsWriter()
        var encoded = PostingsWriter()
        for _ in 0..<40 {
            plain.startTerm()
            encoded.startTerm()
            var doc: UInt32 = 0
            for _ in 0..<Int(random.next() % 400) {
                doc += 1 + UInt32(random.next() % 9)
                var positions: [UInt32] = []
                var position = UInt32(random.next() % 3)
                for _ in 0...Int(random.next() % 5) {
                    positions.append(position)
                    position += 1 + UInt32(random.next() % 300)
                }
                let length = position + 1
                plain.add(docID: doc, positions: positions, fieldLength: length)
                encoded.add(docID: doc, frequency: UInt32(positions.count), fieldLength: length) { writer in
                    var previous: UInt32 = 0
                    for position in positions {
                        writer.writeVarint(UInt64(position - previous))
                        previous = position
                    }
                }
            }
            #expect(plain.finishTerm() == encoded.finishTerm())
        }
        let (plainPostings, plainPositions) = plain.finish()
        let (encodedPostings, encodedPositions) = encoded.finish()
        #expect(plainPostings == encodedPostings && plainPositions == encodedPositions)
    }
}
