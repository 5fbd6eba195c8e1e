import SouTestSupport
import Testing

@testable import SouFormat

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
        for id in ids { writer.add(id) }
        let reader = try IdColumnReader(file: storageMappedFile(writer.finish()))
        #expect(reader.count == count)
        for (doc, id) in ids.enumerated() { #expect(try reader.id(UInt32(doc)) == id) }
        #expect(throws: FormatError.self) { try reader.id(UInt32(count)) }
    }

    @Test func layoutMatchesFormatDocument() throws {
        var writer = IdColumnWriter()
        writer.add("a1")
        writer.add("b")
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
        for number in 0..<20 { writer.add("doc-\(number)") }
        let image = writer.finish()
        for offset in image.indices {
            var damaged = image
            damaged[offset] ^= 0x40
            #expect(throws: FormatError.self, "byte \(offset)") { try IdColumnReader(file: storageMappedFile(damaged)) }
        }
    }
}
