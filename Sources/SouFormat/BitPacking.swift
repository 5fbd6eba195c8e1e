/// Packs and unpacks blocks of exactly 128 `UInt32` values at a fixed bit width (docs/FORMAT.md §3.3).
///
/// Layout: value `i` occupies bits `i * bitWidth ..< (i + 1) * bitWidth` of a little-endian bit
/// stream (bit 0 is the lowest bit of byte 0). A block is `bitWidth * 16` bytes; width 0 is an
/// empty block of 128 zeros. Seen as 32-bit little-endian words, values `32g ..< 32g + 32`
/// live in words `g * bitWidth ..< (g + 1) * bitWidth`, which is what the decoder exploits.
public enum BitPacking {
    /// Doc IDs and frequencies are bit-packed 128 at a time: one skip entry per block, and a
    /// size (4 groups of 32) whose bit offsets repeat, so the decoder unrolls well.
    public static let blockSize = 128

    /// The number of bytes of one packed block at `bitWidth`.
    @inline(__always)
    public static func byteCount(bitWidth: Int) -> Int { bitWidth &* 16 }

    /// The smallest width that holds every value (0 if all are zero).
    /// - Complexity: O(n).
    public static func requiredBitWidth(_ values: UnsafeBufferPointer<UInt32>) -> Int {
        var union: UInt32 = 0
        for value in values { union |= value }
        return 32 - union.leadingZeroBitCount
    }

    /// Appends `values` packed at `bitWidth` to `writer` (`bitWidth * 16` bytes).
    ///
    /// - Parameters:
    ///   - values: exactly 128 values, each `< 2^bitWidth`.
    ///   - bitWidth: 0…32, usually `requiredBitWidth(values)`.
    ///   - writer: receives the packed bytes.
    public static func pack(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into writer: inout ByteWriter) {
        precondition(values.count == blockSize, "BitPacking packs exactly 128 values")
        precondition((0...32).contains(bitWidth), "bit width must be 0...32")
        precondition(requiredBitWidth(values) <= bitWidth, "a value does not fit in \(bitWidth) bits")
        if bitWidth == 0 { return }
        var accumulator: UInt64 = 0
        var filled = 0
        for value in values {
            accumulator |= UInt64(value) << UInt64(filled)
            filled += bitWidth
            if filled >= 32 {
                writer.write(UInt32(truncatingIfNeeded: accumulator))
                accumulator >>= 32
                filled -= 32
            }
        }
        // 128 * bitWidth is a multiple of 32, so nothing is left over.
        assert(filled == 0)
    }

    /// Decodes one block of 128 values.
    ///
    /// Reads exactly `bitWidth * 16` bytes from `source` (unaligned is fine) and writes 128
    /// values to `output`. Allocates nothing; the caller bounds-checks `source`.
    /// - Parameters:
    ///   - source: the first byte of the packed block.
    ///   - bitWidth: 0…32; any other value leaves `output` untouched (the caller rejects it first).
    ///   - output: room for 128 values.
    public static func unpack(_ source: UnsafeRawPointer, bitWidth: Int, into output: UnsafeMutablePointer<UInt32>) {
        // Each case inlines the kernel with a constant width, so the shifts and masks fold.
        switch bitWidth {
        case 0: output.update(repeating: 0, count: blockSize)
        case 1: unpack1(source, output)
        case 2: unpack2(source, output)
        case 3: unpack3(source, output)
        case 4: unpack4(source, output)
        case 5: unpack5(source, output)
        case 6: unpack6(source, output)
        case 7: unpack7(source, output)
        case 8: unpack8(source, output)
        case 9: unpack9(source, output)
        case 10: unpack10(source, output)
        case 11: unpack11(source, output)
        case 12: unpack12(source, output)
        case 13: unpack13(source, output)
        case 14: unpack14(source, output)
        case 15: unpack15(source, output)
        case 16: unpack16(source, output)
        case 17: unpack17(source, output)
        case 18: unpack18(source, output)
        case 19: unpack19(source, output)
        case 20: unpack20(source, output)
        case 21: unpack21(source, output)
        case 22: unpack22(source, output)
        case 23: unpack23(source, output)
        case 24: unpack24(source, output)
        case 25: unpack25(source, output)
        case 26: unpack26(source, output)
        case 27: unpack27(source, output)
        case 28: unpack28(source, output)
        case 29: unpack29(source, output)
        case 30: unpack30(source, output)
        case 31: unpack31(source, output)
        case 32:
            for i in 0..<blockSize {
                output[i] = UInt32(littleEndian: source.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
            }
        default: return
        }
    }

    private typealias Output = UnsafeMutablePointer<UInt32>

    // One function per width, each inlining the kernel with a constant width (a single
    // function holding all 31 inlined copies exceeds the inliner's caller-size limit).
    @inline(never) private static func unpack1(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 1) }
    @inline(never) private static func unpack2(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 2) }
    @inline(never) private static func unpack3(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 3) }
    @inline(never) private static func unpack4(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 4) }
    @inline(never) private static func unpack5(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 5) }
    @inline(never) private static func unpack6(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 6) }
    @inline(never) private static func unpack7(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 7) }
    @inline(never) private static func unpack8(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 8) }
    @inline(never) private static func unpack9(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 9) }
    @inline(never) private static func unpack10(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 10) }
    @inline(never) private static func unpack11(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 11) }
    @inline(never) private static func unpack12(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 12) }
    @inline(never) private static func unpack13(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 13) }
    @inline(never) private static func unpack14(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 14) }
    @inline(never) private static func unpack15(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 15) }
    @inline(never) private static func unpack16(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 16) }
    @inline(never) private static func unpack17(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 17) }
    @inline(never) private static func unpack18(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 18) }
    @inline(never) private static func unpack19(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 19) }
    @inline(never) private static func unpack20(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 20) }
    @inline(never) private static func unpack21(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 21) }
    @inline(never) private static func unpack22(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 22) }
    @inline(never) private static func unpack23(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 23) }
    @inline(never) private static func unpack24(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 24) }
    @inline(never) private static func unpack25(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 25) }
    @inline(never) private static func unpack26(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 26) }
    @inline(never) private static func unpack27(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 27) }
    @inline(never) private static func unpack28(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 28) }
    @inline(never) private static func unpack29(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 29) }
    @inline(never) private static func unpack30(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 30) }
    @inline(never) private static func unpack31(_ s: UnsafeRawPointer, _ o: Output) { unpackBlock(s, o, 31) }

    /// Width 1…31: four groups of 32 values, each group `bitWidth` little-endian words.
    @inline(__always)
    private static func unpackBlock(_ source: UnsafeRawPointer, _ output: Output, _ bitWidth: Int) {
        unpackGroup(source, output, bitWidth)
        unpackGroup(source + bitWidth &* 4, output + 32, bitWidth)
        unpackGroup(source + bitWidth &* 8, output + 64, bitWidth)
        unpackGroup(source + bitWidth &* 12, output + 96, bitWidth)
    }

    /// 32 values from `bitWidth` words. Written out value by value: with a constant width every
    /// word index, shift and "spans two words" test is a constant, and nothing loops.
    @inline(__always)
    private static func unpackGroup(_ words: UnsafeRawPointer, _ out: Output, _ bitWidth: Int) {
        let mask: UInt32 = (1 << UInt32(bitWidth)) &- 1
        @inline(__always)
        func value(_ j: Int) {
            let bit = j &* bitWidth
            let word = bit &>> 5
            let shift = UInt32(bit & 31)
            var value = load(words, word) &>> shift
            if Int(shift) &+ bitWidth > 32 {
                value |= load(words, word &+ 1) &<< (32 &- shift)
            }
            out[j] = value & mask
        }
        value(0)
        value(1)
        value(2)
        value(3)
        value(4)
        value(5)
        value(6)
        value(7)
        value(8)
        value(9)
        value(10)
        value(11)
        value(12)
        value(13)
        value(14)
        value(15)
        value(16)
        value(17)
        value(18)
        value(19)
        value(20)
        value(21)
        value(22)
        value(23)
        value(24)
        value(25)
        value(26)
        value(27)
        value(28)
        value(29)
        value(30)
        value(31)
    }

    @inline(__always)
    private static func load(_ words: UnsafeRawPointer, _ index: Int) -> UInt32 {
        UInt32(littleEndian: words.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self))
    }
}
