import SouTestSupport
import Testing

@testable import SouFormat

@Suite(.offCooperativePool) struct BitPackingTests {
    @Test func roundTripAtEveryWidth() {
        var random = PostingsTestRandom.fromEnvironmentOrTime()
        for width in 0...32 {
            let mask: UInt32 = width == 32 ? .max : (1 << UInt32(width)) - 1
            for round in 0..<20 {
                var values = (0..<128).map { _ in UInt32(truncatingIfNeeded: random.next()) & mask }
                switch round {
                case 0: values = Array(repeating: mask, count: 128)  // every value at its maximum
                case 1: values = (0..<128).map { $0 % 2 == 0 ? mask : 0 }
                default: values[Int(random.next() % 128)] = mask  // the width is needed exactly
                }
                checkRoundTrip(values, width: width, seed: random.seed)
            }
        }
    }

    @Test func requiredBitWidthIsTheHighestSetBit() {
        for width in 0...32 {
            var values = [UInt32](repeating: 0, count: 128)
            if width > 0 { values[77] = 1 << UInt32(width - 1) }
            #expect(values.withUnsafeBufferPointer { BitPacking.requiredBitWidth($0) } == width)
        }
    }

    /// Little-endian bit order: value 0 in the lowest bits of byte 0.
    @Test func bitOrderIsLittleEndian() {
        var values = [UInt32](repeating: 0, count: 128)
        values[0] = 0x1
        values[1] = 0x2
        values[2] = 0x3
        values[127] = 0xF
        var writer = ByteWriter()
        values.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: 4, into: &writer) }
        #expect(writer.bytes.count == 64)
        #expect(Array(writer.bytes.prefix(2)) == [0x21, 0x03])
        #expect(writer.bytes.last == 0xF0)

        var wide = ByteWriter()
        var three = [UInt32](repeating: 0, count: 128)
        three[0] = 0b101
        three[1] = 0b011
        three.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: 3, into: &wide) }
        #expect(wide.bytes[0] == 0b0001_1101)  // 101 then 011 above it
    }

    /// Decoding reads from any byte offset (blocks follow a 2-byte header in the postings file).
    @Test func unpackReadsUnalignedSources() {
        var random = PostingsTestRandom.fromEnvironmentOrTime()
        let values = (0..<128).map { _ in UInt32(truncatingIfNeeded: random.next()) & 0x1FFF }
        var writer = ByteWriter()
        writer.write(UInt8(0xAA))
        values.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: 13, into: &writer) }
        var decoded = [UInt32](repeating: 0, count: 128)
        writer.bytes.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBufferPointer {
                BitPacking.unpack(raw.baseAddress! + 1, bitWidth: 13, into: $0.baseAddress!)
            }
        }
        #expect(decoded == values, "seed \(random.seed)")
    }

    private func checkRoundTrip(_ values: [UInt32], width: Int, seed: UInt64) {
        #expect(values.withUnsafeBufferPointer { BitPacking.requiredBitWidth($0) } == width)
        var writer = ByteWriter()
        values.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: width, into: &writer) }
        #expect(writer.bytes.count == width * 16, "width \(width)")
        // Decode from an allocation of exactly the block's size, into a dirty buffer.
        let source = UnsafeMutableRawPointer.allocate(byteCount: max(writer.bytes.count, 1), alignment: 1)
        defer { source.deallocate() }
        writer.bytes.withUnsafeBytes {
            if let base = $0.baseAddress { source.copyMemory(from: base, byteCount: $0.count) }
        }
        var decoded = [UInt32](repeating: 0xDEAD_BEEF, count: 128)
        decoded.withUnsafeMutableBufferPointer { BitPacking.unpack(source, bitWidth: width, into: $0.baseAddress!) }
        #expect(decoded == values, "width \(width), seed \(seed)")
    }
}

/// SplitMix64 (SouRandom's) for the codec tests, remembering its seed: small, seeded, reproducible.
struct PostingsTestRandom {
    let seed: UInt64
    private var generator: SplitMix64

    init(seed: UInt64) {
        self.seed = seed
        generator = SplitMix64(seed: seed)
    }

    /// Seed from `SOU_TEST_SEED` if set (to reproduce a failure), else from the clock; printed.
    static func fromEnvironmentOrTime(function: String = #function) -> PostingsTestRandom {
        let seed: UInt64
        if let text = getenv("SOU_TEST_SEED"), let fixed = UInt64(String(cString: text)) {
            seed = fixed
        } else {
            seed = UInt64.random(in: 0...UInt64.max)
        }
        print("\(function) seed", seed)
        return PostingsTestRandom(seed: seed)
    }

    mutating func next() -> UInt64 { generator.next() }

    /// Uniform in `range` (slightly biased for huge ranges; fine for tests).
    mutating func next(in range: ClosedRange<UInt64>) -> UInt64 {
        let width = range.upperBound &- range.lowerBound
        if width == .max { return next() }
        return range.lowerBound + next() % (width + 1)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
