import SouDocument
import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A log torn by a crash at any byte: the index opens to the committed state plus exactly
/// the complete records, the torn tail is ignored, logged and counted in the stats.
@Suite(.offCooperativePool) struct WALRecoveryTests {
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
            { model in
                try await index.add([document("a", "first")])
                model["a"] = document("a", "first")
            },
            { model in
                _ = try await index.delete(ids: ["c"])
                model["c"] = nil
            },
            { model in
                try await index.add([document("a", "replaced"), document("b", "second")])
                model["a"] = document("a", "replaced")
                model["b"] = document("b", "second")
            },
            { model in
                _ = try await index.delete(ids: ["b", "nothing"])
                model["b"] = nil
            },
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
        let cuts = Set(stride(from: WALFormat.headerSize, through: whole.count, by: 5)).union(ends).union(
            ends.map { $0 - 1 }
        )
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
            // Ignored bytes are set aside, never destroyed by the open.
            #expect(SystemCalls.fileExists(copy.path + "/default/" + log + ".damaged") == torn, "cut at \(cut)")
            #expect(!SystemCalls.fileExists(copy.path + "/default/" + log), "cut at \(cut)")
            try await reopened.close()
        }
    }

    /// Damage in the middle of the live log: the records before it are replayed, and the
    /// log, with the possibly valid records after the damage, is kept as `<log>.damaged`
    /// byte for byte (the open's commit removes every other obsolete log).
    @Test func midLogDamageIsSetAsideNotRemoved() async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let index = try #require(catalog.index(named: "default"))
        for id in ["a", "b", "c", "d"] { try await index.add([document(id, "text \(id)")]) }
        let crashed = try crashCopy(of: path)
        try await catalog.close()
        let directory = crashed.path + "/default"
        let log = try #require(try SystemCalls.listDirectory(directory).first { $0.hasPrefix("wal-") })
        var bytes = try readFile(directory + "/" + log)
        let entries = try WALReader.read(path: directory + "/" + log).entries
        let secondRecord = WALFormat.headerSize + WALFormat.recordHeaderSize + entries[0].payload.count
        bytes[secondRecord + WALFormat.recordHeaderSize + 2] ^= 0x40
        try writeFile(directory + "/" + log, bytes)

        let warnings = WarningLog()
        let reopened = try await IndexCatalog(dataDirectory: crashed.path, options: testOptions(warnings: warnings))
        let snapshot = try #require(reopened.index(named: "default")).snapshot()
        #expect(try snapshot.document(id: "a") == document("a", "text a"))
        #expect(try snapshot.document(id: "b") == nil)
        #expect(try readFile(directory + "/" + log + ".damaged") == bytes)
        #expect(warnings.all.contains { $0.contains("\(log).damaged") }, "\(warnings.all)")
        try await reopened.close()
        // A later open leaves the set-aside file alone and does not read it.
        let again = try await IndexCatalog(dataDirectory: crashed.path, options: testOptions())
        #expect(SystemCalls.fileExists(directory + "/" + log + ".damaged"))
        #expect(try again.index(named: "default")?.snapshot().liveDocumentCount == 1)
        try await again.close()
    }

    /// How an old, already checkpointed log left behind by a crash is damaged.
    enum OldLogDamage: String, CaseIterable, Sendable {
        /// A flipped payload byte: a checksum mismatch in its first record.
        case record
        /// A flipped magic byte.
        case header
        /// A valid record whose sequence is above every record of the live log.
        case sequence
    }

    /// A crash after a commit renamed its manifest but before it unlinked the old log leaves
    /// that log behind; every record in it is in the segments. Damage in it must not stop
    /// the replay of the live log: every acknowledged write in the live log survives.
    @Test(arguments: OldLogDamage.allCases)
    func damagedCheckpointedLogDoesNotStopReplay(damage: OldLogDamage) async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let index = try #require(catalog.index(named: "default"))
        try await index.add([document("c1", "committed one")])
        try await index.add([document("c2", "committed two")])
        // The live log now holds c1 and c2; the next commit checkpoints and unlinks it.
        let beforeCommit = try crashCopy(of: path)
        try await index.commit()
        var model = ["c1": document("c1", "committed one"), "c2": document("c2", "committed two")]
        try await index.add([document("l1", "logged one")])
        _ = try await index.delete(ids: ["c1"])
        try await index.add([document("c2", "logged replacement")])
        model["l1"] = document("l1", "logged one")
        model["c1"] = nil
        model["c2"] = document("c2", "logged replacement")
        let crashed = try crashCopy(of: path)
        try await catalog.close()

        let directory = crashed.path + "/default"
        let manifest = try #require(try Manifest.read(directory: directory))
        let live = WALFormat.fileName(manifest.nextWALNumber - 1)
        #expect(try SystemCalls.listDirectory(directory).filter { $0.hasPrefix("wal-") } == [live])
        #expect(try WALReader.read(path: directory + "/" + live).entries.count == 3)
        let old = try #require(
            try SystemCalls.listDirectory(beforeCommit.path + "/default").first { $0.hasPrefix("wal-") }
        )
        #expect(try #require(WALFormat.fileNumber(old)) < manifest.nextWALNumber - 1)
        var bytes = try readFile(beforeCommit.path + "/default/" + old)
        switch damage {
        case .record: bytes[WALFormat.headerSize + WALFormat.recordHeaderSize + 1] ^= 0x40
        case .header: bytes[1] ^= 0x40
        case .sequence:
            bytes += WALFormat.encodeRecord(
                type: WALFormat.deleteType,
                sequence: 1000,
                payload: WALRecord.delete(["l1"]).encodePayload()
            )
        }
        try writeFile(directory + "/" + old, bytes)

        let warnings = WarningLog()
        let reopened = try await IndexCatalog(dataDirectory: crashed.path, options: testOptions(warnings: warnings))
        let again = try #require(reopened.index(named: "default"))
        let snapshot = again.snapshot()
        #expect(snapshot.liveDocumentCount == model.count, "\(warnings.all)")
        for id in ["c1", "c2", "l1"] { #expect(try snapshot.document(id: id) == model[id], "\(id)") }
        #expect(again.stats().replayedRecords == 3)
        #expect(again.stats().ignoredWALBytes == 0)
        // The old log is obsolete: removed by the commit at open.
        #expect(!SystemCalls.fileExists(directory + "/" + old))
        try await reopened.close()
        let last = try await IndexCatalog(dataDirectory: crashed.path, options: testOptions())
        for id in ["c1", "c2", "l1"] {
            #expect(try last.index(named: "default")!.snapshot().document(id: id) == model[id], "\(id)")
        }
        try await last.close()
    }

    /// A power loss can undo a manifest rename whose directory fsync failed; the writer then
    /// keeps the old log (IndexWriter+Commit). With the old manifest back, the logs at and
    /// above its live one are all replayed, in order.
    @Test func logsFromTheLiveOneOnAreReplayedInOrder() async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let index = try #require(catalog.index(named: "default"))
        try await index.add([document("c", "committed")])
        try await index.commit()
        try await index.add([document("a", "first log")])
        let beforeCommit = try crashCopy(of: path)
        try await index.commit()
        try await index.add([document("b", "second log")])
        _ = try await index.delete(ids: ["c"])
        let crashed = try crashCopy(of: path)
        try await catalog.close()

        // The old manifest and its log are back; the newer log and segment are there too.
        let directory = crashed.path + "/default"
        let oldDirectory = beforeCommit.path + "/default"
        for name in try SystemCalls.listDirectory(oldDirectory)
        where name == Manifest.fileName || name.hasPrefix("wal-") {
            try writeFile(directory + "/" + name, readFile(oldDirectory + "/" + name))
        }
        #expect(try SystemCalls.listDirectory(directory).filter { $0.hasPrefix("wal-") }.count == 2)
        let warnings = WarningLog()
        let reopened = try await IndexCatalog(dataDirectory: crashed.path, options: testOptions(warnings: warnings))
        let snapshot = try #require(reopened.index(named: "default")).snapshot()
        #expect(try snapshot.document(id: "a") == document("a", "first log"))
        #expect(try snapshot.document(id: "b") == document("b", "second log"))
        #expect(try snapshot.document(id: "c") == nil)
        #expect(snapshot.liveDocumentCount == 2)
        #expect(warnings.all.isEmpty, "\(warnings.all)")
        try await reopened.close()
    }
}
