#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SouFormat
import Testing

@testable import SouIndex

/// A log torn by a crash at any byte: the index opens to the committed state plus exactly
/// the complete records, the torn tail is ignored, logged and counted in the stats.
@Suite struct WALRecoveryTests {
    @Test func tornTailAtAnyByteOpensToTheCompleteRecords() async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let index = try #require(catalog.index(named: "default"))
        var model = ["c": document("c", "committed")]
        try await index.add([model["c"]!])
        try await index.commit()
        var states = [model]
        let writes: [(inout [String: Document]) async throws -> Void] = [
            { model in try await index.add([document("a", "first")]); model["a"] = document("a", "first") },
            { model in _ = try await index.delete(ids: ["c"]); model["c"] = nil },
            { model in
                try await index.add([document("a", "replaced"), document("b", "second")])
                model["a"] = document("a", "replaced")
                model["b"] = document("b", "second")
            },
            { model in _ = try await index.delete(ids: ["b", "nothing"]); model["b"] = nil },
        ]
        for write in writes {
            try await write(&model)
            states.append(model)
        }
        let crashed = try crashCopy(of: path)
        try await catalog.close()

        let directory = crashed.path + "/default"
        let log = try #require(try SystemCalls.listDirectory(directory).first { $0.hasPrefix("wal-") })
        let whole = try readFile(directory + "/" + log)
        // Where each record ends, from the layout (FORMAT.md §10): header, then records of
        // recordHeaderSize + payload bytes.
        var ends = [WALFormat.headerSize]
        for entry in try WALReader.read(path: directory + "/" + log).entries {
            ends.append(ends.last! + WALFormat.recordHeaderSize + entry.payload.count)
        }
        #expect(ends.count == writes.count + 1)
        #expect(ends.last == whole.count)
        let cuts = Set(stride(from: WALFormat.headerSize, through: whole.count, by: 5)).union(ends).union(ends.map { $0 - 1 })
        for cut in cuts.sorted() where cut >= WALFormat.headerSize {
            let copy = try crashCopy(of: crashed.path)
            #expect(truncate(copy.path + "/default/" + log, off_t(cut)) == 0)
            let complete = ends.lastIndex { $0 <= cut }!
            let warnings = WarningLog()
            let reopened = try await IndexCatalog(dataDirectory: copy.path, options: testOptions(warnings: warnings))
            let again = try #require(reopened.index(named: "default"))
            let snapshot = again.snapshot()
            #expect(snapshot.liveDocumentCount == states[complete].count, "cut at \(cut)")
            for id in ["a", "b", "c"] {
                #expect(try snapshot.document(id: id) == states[complete][id], "cut at \(cut): \(id)")
            }
            #expect(again.stats().replayedRecords == complete, "cut at \(cut)")
            #expect(again.stats().ignoredWALBytes == cut - ends[complete], "cut at \(cut)")
            let torn = cut != ends[complete]
            #expect(warnings.all.contains { $0.contains(log) } == torn, "cut at \(cut): \(warnings.all)")
            try await reopened.close()
        }
    }
}
