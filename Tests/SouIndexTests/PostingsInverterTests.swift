import SouFormat
import SouRandom
import Testing

@testable import SouIndex

/// The in-memory structures under `SegmentBuilder`: byte slices read back exactly what was
/// written across every slice level, the term table keeps keys apart (also on hash-table
/// growth), and the inverter returns each term's postings in order.
@Suite struct PostingsInverterTests {
    @Test func sliceStreamsReadBackEveryByteAcrossLevels() {
        let pool = ByteSlicePool()
        var random = SplitMix64(seed: 7)
        // Interleaved streams of very different lengths, so that slices of all levels alternate.
        let lengths = [0, 1, 3, 4, 5, 12, 13, 100, 1_000, 20_000, 70_000]
        var writers = lengths.map { _ in pool.newStream() }
        let starts = writers.map(\.address)
        var expected = lengths.map { _ in [UInt32]() }
        var remaining = lengths
        while remaining.contains(where: { $0 > 0 }) {
            for stream in lengths.indices where remaining[stream] > 0 {
                let value = UInt32(truncatingIfNeeded: random.next() >> UInt64(random.next() % 64))
                pool.writeVarint(value, to: &writers[stream])
                expected[stream].append(value)
                remaining[stream] -= 1
            }
        }
        for stream in lengths.indices {
            var reader = ByteSlicePool.Reader(pool: pool, start: starts[stream], end: writers[stream].address)
            var values: [UInt32] = []
            while !reader.isAtEnd { values.append(reader.readVarint()) }
            #expect(values == expected[stream], "stream \(stream)")
        }
    }

    @Test func termTableGivesOneIDPerKeyAndSortsByBytes() {
        var table = TermTable(capacity: 16)
        var random = SplitMix64(seed: 11)
        var ids: [[UInt8]: Int] = [:]
        for _ in 0..<40_000 {
            let field = UInt8(random.next() % 3)
            // Keys of 1–10 bytes over {0, 1, 2}: short ones compare in the slot, long ones in the slab.
            let length = Int(random.next() % 10)
            let term = (0..<length).map { _ in UInt8(random.next() % 3) }
            let key = [field] + term
            let (id, isNew) = term.withUnsafeBufferPointer { table.id(field: field, term: $0) }
            if let known = ids[key] {
                #expect(id == known && !isNew)
            } else {
                #expect(isNew && id == ids.count)
                ids[key] = id
            }
        }
        #expect(table.count == ids.count)
        let sorted = table.sortedIDs().map { id in table.withKey(Int(id)) { Array($0) } }
        #expect(sorted == ids.keys.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func inverterReturnsPostingsInDocumentOrder() {
        var inverter = PostingsInverter()
        var expected: [[UInt8]: [(UInt32, [UInt32])]] = [:]
        var random = SplitMix64(seed: 3)
        for doc in UInt32(0)..<500 {
            for field in UInt8(0)..<2 {
                var positions: [[UInt8]: [UInt32]] = [:]
                for position in UInt32(0)..<UInt32(random.next() % 40) {
                    let term = [UInt8(random.next() % 30)]
                    term.withUnsafeBufferPointer {
                        inverter.add(field: field, term: $0, docID: doc, position: position)
                    }
                    positions[[field] + term, default: []].append(position)
                }
                inverter.finishField()
                for (key, list) in positions { expected[key, default: []].append((doc, list)) }
            }
        }
        var seen = 0
        var positions: [UInt32] = []
        inverter.forEachTermInOrder { key, reader in
            var postings: [(UInt32, [UInt32])] = []
            while let (doc, frequency) = reader.nextDocument() {
                var encoded = ByteWriter()
                reader.copyPositions(frequency, into: &encoded)
                positions = Self.positions(decoding: encoded.bytes)
                postings.append((doc, positions))
            }
            let want = expected[Array(key)] ?? []
            #expect(reader.documentFrequency == UInt32(want.count))
            #expect(postings.map(\.0) == want.map(\.0))
            #expect(postings.map(\.1) == want.map(\.1))
            seen += 1
        }
        #expect(seen == expected.count)
    }

    /// Absolute positions from the positions file's varint deltas (the first from 0).
    static func positions(decoding bytes: [UInt8]) -> [UInt32] {
        var positions: [UInt32] = []
        var value: UInt32 = 0
        var shift: UInt32 = 0
        for byte in bytes {
            value |= UInt32(byte & 0x7F) << shift
            shift += 7
            if byte < 0x80 {
                positions.append((positions.last ?? 0) + value)
                value = 0
                shift = 0
            }
        }
        return positions
    }
}

/// A segment whose postings outgrow the byte pool's addresses fails with an error (a merge
/// that large is retried later) instead of stopping the process.
@Suite struct SegmentBuilderSizeLimitTests {
    @Test func postingsBeyondThePoolLimitThrow() throws {
        var builder = SegmentBuilder(maxPoolBlocks: 2)
        var failure: (any Error)?
        for n in 0..<10_000 where failure == nil {
            do {
                try builder.add(document("d\(n)", "term\(n) 词\(n) words of document number \(n)"))
            } catch {
                failure = error
            }
        }
        let error = try #require(failure as? IndexError)
        #expect("\(error)".contains("more than 4 GiB of postings"))
        let scratch = ScratchDirectory()
        #expect(throws: IndexError.self) { try builder.write(to: scratch.path, name: "seg-1") }
        #expect(try SystemCalls.listDirectory(scratch.path).isEmpty)
    }
}
