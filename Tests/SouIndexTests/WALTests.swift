import SouFormat
import SouTestSupport
import Synchronization
import Testing

@testable import SouIndex

@Suite(.offCooperativePool) struct WALTests {
    /// Random records written, read back equal.
    @Test func randomRecordsRoundTrip() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("WALTests.randomRecordsRoundTrip seed", seed)
        var random = SplitMix64(seed: seed)
        let directory = ScratchDirectory()
        let path = directory.file(WALFormat.fileName(1))
        let writer = try WALWriter.create(path: path, policy: .always, lastSequence: 0)
        var expected: [WALReader.Entry] = []
        var sequence: UInt64 = 0
        for _ in 0..<200 {
            sequence += UInt64.random(in: 1...3, using: &random)
            let type = Bool.random(using: &random) ? WALFormat.addType : WALFormat.deleteType
            let payload = (0..<Int.random(in: 0...300, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            try writer.append(type: type, sequence: sequence, payload: payload)
            expected.append(.init(sequence: sequence, type: type, payload: payload))
        }
        try await writer.waitUntilDurable(sequence)
        try await writer.close()
        let contents = try WALReader.read(path: path)
        #expect(contents.entries == expected)
        #expect(contents.problem == nil)
        #expect(contents.validLength == contents.fileLength)
    }

    /// Cutting the file at every byte: replay yields exactly the records that are complete.
    @Test func truncationAtEveryByteYieldsCompletePrefix() async throws {
        let directory = ScratchDirectory()
        let path = directory.file(WALFormat.fileName(1))
        let writer = try WALWriter.create(path: path, policy: .none, lastSequence: 0)
        var ends: [Int] = []
        for sequence in 1...6 as ClosedRange<UInt64> {
            try writer.append(
                type: WALFormat.addType,
                sequence: sequence,
                payload: Array(repeating: UInt8(sequence), count: Int(sequence) * 5)
            )
            ends.append(writer.size)
        }
        try await writer.close()
        let whole = try readFile(path)
        let cut = directory.file("cut.log")
        for length in 0...whole.count {
            try writeFile(cut, Array(whole[0..<length]))
            let contents = try WALReader.read(path: cut)
            let complete = ends.filter { $0 <= length }.count
            #expect(contents.entries.count == complete, "cut at \(length)")
            #expect(contents.entries.map(\.sequence) == (0..<complete).map { UInt64($0 + 1) })
            let validLength =
                length < WALFormat.headerSize ? 0 : (complete == 0 ? WALFormat.headerSize : ends[complete - 1])
            #expect(contents.validLength == validLength, "cut at \(length)")
            #expect((contents.problem == nil) == (length == validLength), "cut at \(length)")
        }
    }

    /// A flipped byte anywhere in a record ends replay at that record, with a problem reported.
    @Test func flippedByteStopsReplayAtThatRecord() async throws {
        let directory = ScratchDirectory()
        let path = directory.file(WALFormat.fileName(1))
        let writer = try WALWriter.create(path: path, policy: .none, lastSequence: 0)
        var starts: [Int] = []
        for sequence in 1...4 as ClosedRange<UInt64> {
            starts.append(writer.size)
            try writer.append(type: WALFormat.deleteType, sequence: sequence, payload: Array("record \(sequence)".utf8))
        }
        try await writer.close()
        let whole = try readFile(path)
        let flipped = directory.file("flipped.log")
        for offset in WALFormat.headerSize..<whole.count {
            var bytes = whole
            bytes[offset] ^= 0x01
            try writeFile(flipped, bytes)
            let contents = try WALReader.read(path: flipped)
            let record = starts.lastIndex { $0 <= offset }!
            #expect(contents.entries.count == record, "flip at \(offset)")
            #expect(contents.validLength == starts[record])
            #expect(contents.problem != nil)
        }
        // A damaged header is an error naming the file.
        for offset in 0..<WALFormat.headerSize {
            var bytes = whole
            bytes[offset] ^= 0x01
            try writeFile(flipped, bytes)
            #expect(throws: IndexError.self) { try WALReader.read(path: flipped) }
        }
    }

    /// Appending after a torn tail cuts the tail first, so new records follow the good ones.
    @Test func reopenCutsTornTailBeforeAppending() async throws {
        let directory = ScratchDirectory()
        let path = directory.file(WALFormat.fileName(1))
        let writer = try WALWriter.create(path: path, policy: .always, lastSequence: 0)
        try writer.append(type: WALFormat.addType, sequence: 1, payload: [1, 2, 3])
        try writer.append(type: WALFormat.addType, sequence: 2, payload: [4, 5, 6])
        try await writer.close()
        var bytes = try readFile(path)
        bytes.removeLast(2)
        try writeFile(path, bytes)
        let contents = try WALReader.read(path: path)
        #expect(contents.entries.map(\.sequence) == [1])
        let again = try WALWriter.openForAppend(
            path: path,
            validLength: contents.validLength,
            policy: .always,
            lastSequence: 1
        )
        try again.append(type: WALFormat.deleteType, sequence: 2, payload: [9])
        try await again.waitUntilDurable(2)
        try await again.close()
        let reread = try WALReader.read(path: path)
        #expect(reread.entries.map(\.sequence) == [1, 2])
        #expect(reread.entries.last?.payload == [9])
        #expect(reread.problem == nil)
    }

    /// Many concurrent writers are acknowledged by far fewer fsyncs than writes.
    @Test func groupCommitSharesFsyncs() async throws {
        let directory = ScratchDirectory()
        let writer = try WALWriter.create(path: directory.file(WALFormat.fileName(1)), policy: .always, lastSequence: 0)
        let next = SequenceCounter()
        let writers = 200
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<writers {
                group.addTask {
                    let sequence = try next.value.withLock { (value: inout UInt64) throws -> UInt64 in
                        value += 1
                        try writer.append(
                            type: WALFormat.addType,
                            sequence: value,
                            payload: Array(repeating: 7, count: 100)
                        )
                        return value
                    }
                    try await writer.waitUntilDurable(sequence)
                }
            }
            try await group.waitForAll()
        }
        #expect(writer.syncCount >= 1)
        #expect(writer.syncCount < writers)
        print("group commit:", writers, "writes,", writer.syncCount, "fsyncs")
        try await writer.close()
        #expect(try WALReader.read(path: writer.path).entries.count == writers)
    }

    /// A failed write (disk full) throws, leaves no partial record, and later appends work.
    @Test func failedWriteLeavesLogClean() async throws {
        let directory = ScratchDirectory()
        let writer = try WALWriter.create(path: directory.file(WALFormat.fileName(1)), policy: .always, lastSequence: 0)
        try writer.append(type: WALFormat.addType, sequence: 1, payload: [1])
        writer.injectWriteError(28)  // ENOSPC
        #expect(throws: IndexError.self) { try writer.append(type: WALFormat.addType, sequence: 2, payload: [2]) }
        try writer.append(type: WALFormat.addType, sequence: 2, payload: [3])
        try await writer.close()
        let contents = try WALReader.read(path: writer.path)
        #expect(contents.entries.map(\.payload) == [[1], [3]])
        #expect(contents.problem == nil)
        #expect(throws: IndexError.self) { try writer.append(type: WALFormat.addType, sequence: 3, payload: []) }
    }

    /// `.batch` acknowledges at once and the timer fsyncs later.
    @Test func batchPolicySyncsOnTimer() async throws {
        let directory = ScratchDirectory()
        let writer = try WALWriter.create(
            path: directory.file(WALFormat.fileName(1)),
            policy: .batch(interval: .milliseconds(20)),
            lastSequence: 0
        )
        try writer.append(type: WALFormat.addType, sequence: 1, payload: [1])
        try await writer.waitUntilDurable(1)
        try await waitUntil("the batch timer fsyncs") { writer.syncCount > 0 }
        #expect(writer.syncCount >= 1)
        try await writer.close()
    }

    @Test func fileNames() {
        #expect(WALFormat.fileName(7) == "wal-0000000000000007.log")
        #expect(WALFormat.fileNumber("wal-00000000000000ff.log") == 255)
        #expect(WALFormat.fileNumber("wal-7.log") == nil)
        #expect(WALFormat.fileNumber("MANIFEST") == nil)
    }
}

/// Hands out sequence numbers and serializes appends, as the IndexWriter actor does.
final class SequenceCounter: Sendable {
    let value = Mutex<UInt64>(0)
}
