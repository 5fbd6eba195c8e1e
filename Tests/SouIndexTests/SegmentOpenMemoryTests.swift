import SouDocument
import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

#if canImport(Glibc)
import Glibc
#endif

/// Opening a segment maps its files and verifies every checksum, yet leaves (almost) none of
/// their pages resident in the process: the postings are not read into memory by the open.
/// Measured per mapping (`/proc/self/smaps`), so other tests running alongside add no noise.
@Suite(.offCooperativePool) struct SegmentOpenMemoryTests {
    @Test(.enabled(if: SegmentOpenMemoryTests.hasSmaps, "needs /proc/self/smaps"))
    func openingLeavesTheFilesNonResident() throws {
        let scratch = ScratchDirectory()
        var random = SplitMix64(seed: 0x5EED_0FEA)
        let vocabulary = (0..<20_000).map { _ in
            String((0..<8).map { _ in Character(Unicode.Scalar(UInt8.random(in: 97...122, using: &random))) })
        }
        var builder = SegmentBuilder()
        for index in 0..<1_000 {
            let words = (0..<500).map { _ in vocabulary.randomElement(using: &random)! }
            try builder.add(
                Document(id: "d\(index)", fields: [.init(name: "body", value: words.joined(separator: " "))])
            )
        }
        let info = try builder.write(to: scratch.path, name: "seg-1")
        #expect(info.byteSize > 4 << 20, "\(info.byteSize) bytes: too small to measure")

        let reader = try SegmentReader(directory: scratch.path, name: "seg-1")
        let resident = try Self.residentBytes(under: scratch.path)
        print("SegmentOpenMemoryTests: \(info.byteSize) bytes of segment, \(resident) resident after open")
        #expect(resident < info.byteSize / 20, "\(resident) of \(info.byteSize) bytes resident after open")
        // Still fully usable: the pages fault back in when read.
        #expect(try reader.document(999).id == "d999")
        #expect(try reader.docID(forExternalID: "d7") == 7)
    }

    static var hasSmaps: Bool { SystemCalls.fileExists("/proc/self/smaps") }

    /// The summed `Rss:` of this process's mappings of files under `directory`.
    static func residentBytes(under directory: String) throws -> Int {
        // /proc files report size 0, so they cannot be mapped: read them.
        let fd = open("/proc/self/smaps", O_RDONLY)
        guard fd >= 0 else { throw FormatError.io(file: "/proc/self/smaps", operation: "open", errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        var total = 0
        var inside = false
        for line in text.split(separator: "\n") {
            if let first = line.first, first.isHexDigit, line.contains("-") {
                inside = line.contains(directory + "/")  // a mapping header line
            } else if inside, line.hasPrefix("Rss:") {
                let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
                total += kilobytes * 1024
            }
        }
        return total
    }
}
