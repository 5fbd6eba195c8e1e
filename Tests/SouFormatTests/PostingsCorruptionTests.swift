import SouTestSupport
import Testing

@testable import SouFormat

/// Bad bytes end as a thrown error on open (CRC) or as `isCorrupt`, never as a crash.
@Suite(.offCooperativePool) struct PostingsCorruptionTests {
    /// A small index of a few terms, its files and its term infos.
    private static func sampleIndex(
        _ random: inout PostingsTestRandom
    ) -> (
        files: (postings: [UInt8], positions: [UInt8]), infos: [TermInfo]
    ) {
        var writer = PostingsWriter()
        var infos: [TermInfo] = []
        for documents in [1, 5, 128, 300] {
            writer.startTerm()
            var doc: UInt32 = UInt32(random.next() % 3)
            for _ in 0..<documents {
                let frequency = 1 + Int(random.next() % 4)
                writer.add(docID: doc, positions: (0..<frequency).map { UInt32($0 * 3) }, fieldLength: 20)
                doc += 1 + UInt32(random.next() % 50)
            }
            infos.append(writer.finishTerm())
        }
        return (writer.finish(), infos)
    }

    private static func body(_ file: [UInt8]) -> [UInt8] {
        Array(file[FileFraming.headerSize..<(file.count - FileFraming.footerSize)])
    }

    @Test func truncatedOrChangedFilesDoNotOpen() throws {
        var random = PostingsTestRandom.fromEnvironmentOrTime()
        let (files, _) = Self.sampleIndex(&random)
        #expect(throws: FormatError.self) {
            _ = try openPostingsReader(postings: Array(files.postings.dropLast()), positions: files.positions)
        }
        #expect(throws: FormatError.self) {
            _ = try openPostingsReader(postings: files.postings, positions: Array(files.positions.dropLast(9)))
        }
        #expect(throws: FormatError.self) {
            _ = try openPostingsReader(postings: files.positions, positions: files.postings)
        }
        #expect(throws: FormatError.self) { _ = try openPostingsReader(postings: [], positions: files.positions) }
        var flipped = files.postings
        flipped[FileFraming.headerSize + Int(random.next() % UInt64(flipped.count - 12))] ^= 0x10
        #expect(throws: FormatError.self) { _ = try openPostingsReader(postings: flipped, positions: files.positions) }
    }

    @Test func termInfoOutsideTheFilesIsCorrupt() throws {
        var random = PostingsTestRandom.fromEnvironmentOrTime()
        let (files, infos) = Self.sampleIndex(&random)
        let reader = try openPostingsReader(postings: files.postings, positions: files.positions)
        let postingsBodyCount = UInt64(files.postings.count - 12)
        let positionsBodyCount = UInt64(files.positions.count - 12)

        var pastEnd = infos[2]
        pastEnd.postingsOffset = postingsBodyCount + 10
        var cursor = reader.cursor(for: pastEnd)
        #expect(cursor.isCorrupt)
        #expect(cursor.doc == PostingsCursor.noMoreDocs)
        #expect(cursor.next() == PostingsCursor.noMoreDocs)

        pastEnd.postingsOffset = .max
        #expect(reader.cursor(for: pastEnd).isCorrupt)

        // More documents than the term has: the skip list runs out.
        var inflated = infos[1]
        inflated.documentFrequency = 1000
        cursor = reader.cursor(for: inflated)
        while cursor.next() != PostingsCursor.noMoreDocs {}
        #expect(cursor.isCorrupt)

        // Positions that start at the very end of the positions body.
        var noPositions = infos[3]
        noPositions.positionsOffset = positionsBodyCount
        cursor = reader.cursor(for: noPositions)
        #expect(!cursor.isCorrupt)
        var buffer: [UInt32] = [1]
        cursor.positions(into: &buffer)
        #expect(buffer.isEmpty)
        #expect(cursor.isCorrupt)
        #expect(cursor.doc == PostingsCursor.noMoreDocs)

        // Every term read from the wrong offset (another term's start or a random byte).
        for _ in 0..<200 {
            var wrong = infos[Int(random.next() % 4)]
            wrong.postingsOffset = random.next() % postingsBodyCount
            wrong.positionsOffset = random.next() % (positionsBodyCount + 1)
            exercise(reader.cursor(for: wrong), &random)
        }
    }

    /// A term whose only skip entry points past the end of the body, CRC intact.
    @Test func handBuiltBadBlockOffsetIsCorrupt() throws {
        var skip = ByteWriter()
        SkipEntry(
            lastDoc: 7,
            blockOffset: 0,
            blockLength: 1_000_000,
            positionsOffset: 0,
            positionsLength: 1,
            maxFrequency: 1,
            minFieldLength: 3
        ).encode(after: .origin, withImpacts: true, into: &skip)
        var body = ByteWriter()
        body.writeVarint(UInt64(1))  // maxFrequency
        body.writeVarint(UInt64(3))  // minFieldLength
        body.writeVarint(skip.count)
        body.write(bytes: skip.bytes)
        body.writeVarint(UInt64(7))  // the tail: doc 7, frequency 1
        body.writeVarint(UInt64(0))
        let reader = try openPostingsReader(
            postings: FileFraming.frame(body.bytes, kind: .postings),
            positions: FileFraming.frame([0], kind: .positions)
        )
        let info = TermInfo(documentFrequency: 1, postingsOffset: 0, positionsOffset: 0, totalTermFrequency: 1)
        var cursor = reader.cursor(for: info)
        #expect(cursor.isCorrupt)
        #expect(cursor.doc == PostingsCursor.noMoreDocs)
        #expect(cursor.advance(to: 3) == PostingsCursor.noMoreDocs)

        // The same term with the right length reads fine: the test above fails for the right reason.
        var goodSkip = ByteWriter()
        SkipEntry(
            lastDoc: 7,
            blockOffset: 0,
            blockLength: 2,
            positionsOffset: 0,
            positionsLength: 1,
            maxFrequency: 1,
            minFieldLength: 3
        ).encode(after: .origin, withImpacts: true, into: &goodSkip)
        var good = ByteWriter()
        good.write(bytes: [1, 3])
        good.writeVarint(goodSkip.count)
        good.write(bytes: goodSkip.bytes)
        good.write(bytes: [7, 0])
        let goodReader = try openPostingsReader(
            postings: FileFraming.frame(good.bytes, kind: .postings),
            positions: FileFraming.frame([5], kind: .positions)
        )
        cursor = goodReader.cursor(for: info)
        #expect(!cursor.isCorrupt)
        #expect(cursor.doc == 7)
        var buffer: [UInt32] = []
        cursor.positions(into: &buffer)
        #expect(buffer == [5])
    }

    /// Random bytes changed in the bodies, re-framed so the CRC passes: never a crash, and
    /// whatever is returned before `isCorrupt` is still a strictly increasing doc sequence.
    @Test func changedBodiesWithValidChecksumsNeverCrash() throws {
        var random = PostingsTestRandom.fromEnvironmentOrTime()
        let (files, infos) = Self.sampleIndex(&random)
        let postingsBody = Self.body(files.postings)
        let positionsBody = Self.body(files.positions)
        for _ in 0..<300 {
            var postings = postingsBody
            var positions = positionsBody
            for _ in 0..<(1 + random.next() % 4) {
                if random.next() % 3 == 0 {
                    positions[Int(random.next() % UInt64(positions.count))] = UInt8(truncatingIfNeeded: random.next())
                } else {
                    postings[Int(random.next() % UInt64(postings.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            if random.next() % 8 == 0 { postings.removeLast(Int(random.next() % 40)) }
            let reader = try openPostingsReader(
                postings: FileFraming.frame(postings, kind: .postings),
                positions: FileFraming.frame(positions, kind: .positions)
            )
            for info in infos { exercise(reader.cursor(for: info), &random) }
        }
    }

    /// Drives a cursor through every operation; checks that docs only grow.
    private func exercise(_ start: PostingsCursor, _ random: inout PostingsTestRandom) {
        var cursor = start
        var buffer: [UInt32] = []
        var previous: UInt32? = nil
        var steps = 0
        while cursor.doc != PostingsCursor.noMoreDocs && steps < 2000 {
            steps += 1
            if let previous { #expect(cursor.doc >= previous, "seed \(random.seed)") }
            previous = cursor.doc
            _ = cursor.frequency
            switch random.next() % 5 {
            case 0: _ = cursor.advance(to: cursor.doc &+ UInt32(random.next() % 200))
            case 1:
                cursor.shallowAdvance(to: cursor.doc &+ UInt32(random.next() % 1000))
                _ = (cursor.blockLastDoc, cursor.blockMaxFrequency, cursor.blockMinFieldLength)
                _ = cursor.next()
            case 2:
                cursor.positions(into: &buffer)
                _ = cursor.next()
            default: _ = cursor.next()
            }
        }
        if cursor.isCorrupt { #expect(cursor.doc == PostingsCursor.noMoreDocs) }
    }
}
