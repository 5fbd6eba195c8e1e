import SouTestSupport
import Testing

@testable import SouFormat

/// Impacts bound every document of their block, and postings written without them (version 1)
/// still read the same.
@Suite(.offCooperativePool) struct BlockImpactsTests {
    /// A document is under the impacts when some pair has a frequency at least its own and a
    /// length at most its own (or, with no pairs, the block's maximum and minimum do).
    static func isBounded(
        _ frequency: UInt32,
        _ length: UInt32,
        by impacts: BlockImpacts,
        max: UInt32,
        min: UInt32
    )
        -> Bool
    {
        if impacts.count == 0 { return frequency <= max && length >= min }
        return (0..<impacts.count).contains { impacts[$0].frequency >= frequency && impacts[$0].fieldLength <= length }
    }

    @Test func impactsBoundEveryDocumentOfTheirBlock() {
        var random = SplitMix64(seed: 0x1A9AC7)
        var tighter = 0
        for round in 0..<3_000 {
            let count = 1 + Int(random.next() % 128)
            let frequencies = (0..<count).map { _ in UInt32(1 + random.next() % (round % 2 == 0 ? 4 : 40)) }
            let lengths = frequencies.map { $0 + UInt32(random.next() % 300) }
            let impacts = BlockImpacts.of(frequencies: frequencies, fieldLengths: lengths)
            let largest = frequencies.max()!
            let shortest = lengths.min()!
            #expect(impacts.count <= BlockImpacts.capacity)
            #expect(impacts.count != 1, "one pair is stored as none")
            for (frequency, length) in zip(frequencies, lengths) {
                #expect(Self.isBounded(frequency, length, by: impacts, max: largest, min: shortest), "round \(round)")
            }
            // Every pair is within the block's extremes, so never looser than them.
            for index in 0..<impacts.count {
                #expect(impacts[index].frequency <= largest && impacts[index].fieldLength >= shortest)
            }
            if (0..<impacts.count).allSatisfy({ impacts[$0] != (largest, shortest) }) && impacts.count > 0 {
                tighter += 1
            }
        }
        #expect(tighter > 1_000, "most blocks get a bound tighter than (max frequency, min length)")
    }

    /// The same postings written as version 1 and version 2: identical documents,
    /// frequencies and positions; version 2's impacts bound each block's documents.
    @Test func versionOneAndTwoReadTheSame() throws {
        var random = SplitMix64(seed: 0x1A9AC8)
        var writers = [PostingsWriter(version: 1), PostingsWriter(version: 2)]
        var infos: [[TermInfo]] = [[], []]
        var terms: [[(doc: UInt32, positions: [UInt32], length: UInt32)]] = []
        for _ in 0..<20 {
            var doc: UInt32 = 0
            var postings: [(doc: UInt32, positions: [UInt32], length: UInt32)] = []
            for _ in 0..<(1 + Int(random.next() % 700)) {
                doc += 1 + UInt32(random.next() % 9)
                let frequency = 1 + Int(random.next() % 6)
                let positions = (0..<frequency).map { UInt32($0 * 3) }
                postings.append((doc, positions, UInt32(frequency * 3 + Int(random.next() % 50))))
            }
            terms.append(postings)
            for index in writers.indices {
                writers[index].startTerm()
                for posting in postings {
                    writers[index].add(docID: posting.doc, positions: posting.positions, fieldLength: posting.length)
                }
                infos[index].append(writers[index].finishTerm())
            }
        }
        let files = writers.map { $0.finish() }
        let readers = try files.map { try openPostingsReader(postings: $0.postings, positions: $0.positions) }
        #expect(!readers[0].hasImpacts && readers[1].hasImpacts)
        var buffers: [[UInt32]] = [[], []]
        for (term, postings) in terms.enumerated() {
            var cursors = [readers[0].cursor(for: infos[0][term]), readers[1].cursor(for: infos[1][term])]
            for posting in postings {
                for index in 0..<2 {
                    #expect(cursors[index].doc == posting.doc)
                    #expect(cursors[index].frequency == UInt32(posting.positions.count))
                    cursors[index].positions(into: &buffers[index])
                    #expect(buffers[index] == posting.positions)
                    cursors[index].shallowAdvance(to: posting.doc)
                }
                #expect(cursors[0].blockImpacts.count == 0)
                #expect(
                    Self.isBounded(
                        UInt32(posting.positions.count),
                        posting.length,
                        by: cursors[1].blockImpacts,
                        max: cursors[1].blockMaxFrequency,
                        min: cursors[1].blockMinFieldLength
                    )
                )
                for index in 0..<2 { _ = cursors[index].next() }
            }
            #expect(cursors[0].doc == PostingsCursor.noMoreDocs && cursors[1].doc == PostingsCursor.noMoreDocs)
        }
        #expect(files[1].postings.count > files[0].postings.count)
    }
}
