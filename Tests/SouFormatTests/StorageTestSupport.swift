import SouTestSupport
import Testing

@testable import SouFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `bytes` to a fresh temporary file, maps it and unlinks it (the mapping stays valid).
func storageMappedFile(_ bytes: [UInt8], name: String = "storage-test") throws -> MappedFile {
    let path = "/tmp/sou-\(name)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    try DurableFile.write(bytes, to: path, sync: false)
    defer { unlink(path) }
    return try MappedFile(path: path)
}

/// Flips one byte at each of `trials` random offsets of `file` and checks that `open` throws a
/// `FormatError` every time (the CRC or a structural check catches it; nothing crashes).
func expectEveryFlipRejected(
    _ file: [UInt8],
    trials: Int,
    random: inout SplitMix64,
    open: (MappedFile) throws -> Void
) throws {
    let offsets =
        file.count <= trials
        ? Array(file.indices) : (0..<trials).map { _ in Int.random(in: file.indices, using: &random) }
    for offset in offsets {
        var corrupt = file
        corrupt[offset] ^= UInt8.random(in: 1...255, using: &random)
        let mapped = try storageMappedFile(corrupt)
        #expect(throws: FormatError.self, "flip at \(offset) of \(file.count)") { try open(mapped) }
    }
}

/// Flips bytes of the *body* and re-frames it with a valid CRC, so the reader's own structural
/// checks (not the checksum) must cope: `exercise` may succeed or throw `FormatError`, but must
/// not crash or throw anything else.
func exerciseReframedCorruptions(
    _ file: [UInt8],
    kind: FileKind,
    trials: Int,
    random: inout SplitMix64,
    exercise: (MappedFile) throws -> Void
) throws {
    let body = Array(file[FileFraming.headerSize..<(file.count - FileFraming.footerSize)])
    guard !body.isEmpty else { return }
    // SOU_FUZZ_SCALE=100 runs a hundred times as many trials (for a longer local soak).
    let scale = getenv("SOU_FUZZ_SCALE").flatMap { Int(String(cString: $0)) } ?? 1
    for _ in 0..<(trials * max(scale, 1)) {
        var corrupt = body
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            corrupt[Int.random(in: corrupt.indices, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
        }
        let mapped = try storageMappedFile(FileFraming.frame(corrupt, kind: kind))
        do {
            try exercise(mapped)
        } catch is FormatError {
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
