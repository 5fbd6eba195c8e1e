import SouTestSupport
import Testing

@testable import SouFormat

@Suite(.offCooperativePool) struct FileFramingTests {
    @Test func framedFileVerifies() throws {
        let body: [UInt8] = Array("大同日报".utf8)
        let file = FileFraming.frame(body, kind: .postings)
        let (range, version) = try file.withUnsafeBytes { try FileFraming.verify($0, kind: .postings, file: "t") }
        #expect(version == FileKind.postings.currentVersion && version == 2)
        #expect(Array(file[range]) == body)
    }

    @Test func everyFlippedByteIsDetected() throws {
        let body: [UInt8] = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let file = FileFraming.frame(body, kind: .termDictionary)
        for index in file.indices {
            var corrupt = file
            corrupt[index] ^= 0x5A
            #expect(throws: FormatError.self) {
                _ = try corrupt.withUnsafeBytes { try FileFraming.verify($0, kind: .termDictionary, file: "t") }
            }
        }
    }

    @Test func wrongKindIsBadMagic() throws {
        let file = FileFraming.frame([1, 2, 3], kind: .postings)
        #expect(throws: FormatError.self) {
            _ = try file.withUnsafeBytes { try FileFraming.verify($0, kind: .positions, file: "t") }
        }
    }

    @Test func varintRoundTrip() throws {
        var writer = ByteWriter()
        let values: [UInt64] = [0, 1, 127, 128, 300, 16_383, 16_384, UInt64(UInt32.max), UInt64.max]
        for v in values { writer.writeVarint(v) }
        let decoded = try writer.bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw, file: "t")
            let out = try values.map { _ in try reader.readVarint() }
            #expect(reader.isAtEnd)
            return out
        }
        #expect(decoded == values)
    }
}
