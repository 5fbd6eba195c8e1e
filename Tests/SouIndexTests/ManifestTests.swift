import SouFormat
import Testing

@testable import SouIndex

@Suite struct ManifestTests {
    static let sample = Manifest(
        generation: 7,
        checkpointSequence: 1234,
        nextSegmentNumber: 9,
        nextWALNumber: 3,
        settings: IndexSettings(boosts: ["title": 2.5, "body": 1]),
        segments: [
            .init(name: "seg-1", documentCount: 100, byteSize: 4096, files: ["seg-1.meta", "seg-1.post"]),
            .init(
                name: "seg-8",
                documentCount: 3,
                byteSize: 300,
                files: ["seg-8.meta"],
                deletedCount: 2,
                deletionFile: "seg-8.4.del"
            ),
        ]
    )

    @Test func roundTripsThroughDisk() throws {
        let directory = ScratchDirectory()
        #expect(try Manifest.read(directory: directory.path) == nil)
        try Self.sample.write(directory: directory.path)
        #expect(try Manifest.read(directory: directory.path) == Self.sample)
        #expect(Self.sample.referencedFiles == ["seg-1.meta", "seg-1.post", "seg-8.meta", "seg-8.4.del"])
        #expect(!SystemCalls.fileExists(directory.file("MANIFEST.tmp")))
    }

    @Test func replaceIsAtomic() throws {
        let directory = ScratchDirectory()
        try Self.sample.write(directory: directory.path)
        var next = Self.sample
        next.generation += 1
        next.segments.removeFirst()
        try next.write(directory: directory.path)
        #expect(try Manifest.read(directory: directory.path) == next)
        // A leftover temp file from a crash mid-write does not matter.
        try writeFile(directory.file("MANIFEST.tmp"), [1, 2, 3])
        #expect(try Manifest.read(directory: directory.path) == next)
    }

    /// Every flipped byte and every truncation is an error that names the file, never a crash.
    @Test func corruptionIsAnErrorNamingTheFile() throws {
        let directory = ScratchDirectory()
        try Self.sample.write(directory: directory.path)
        let path = directory.file(Manifest.fileName)
        let good = try readFile(path)
        for offset in good.indices where !(6..<8).contains(offset) {
            var bytes = good
            bytes[offset] ^= 0x10
            try writeFile(path, bytes)
            do {
                _ = try Manifest.read(directory: directory.path)
                Issue.record("flip at \(offset) not detected")
            } catch let error as IndexError {
                guard case .corrupt(let message) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(message.contains("MANIFEST"))
            }
        }
        for length in 0..<good.count {
            try writeFile(path, Array(good[0..<length]))
            #expect(throws: IndexError.self) { try Manifest.read(directory: directory.path) }
        }
    }
}
