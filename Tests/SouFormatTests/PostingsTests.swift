import Foundation
import SouTestSupport
import Testing

@testable import SouFormat

/// One term as the tests expect to read it back.
private struct ExpectedTerm {
    var docs: [UInt32] = []
    var positions: [[UInt32]] = []
    var fieldLengths: [UInt32] = []
    var info = TermInfo(documentFrequency: 0, postingsOffset: 0, positionsOffset: 0, totalTermFrequency: 0)

    /// Filled by `writeAndOpen`.
    var frequencies: [UInt32] = []

    /// Index of the first doc ≥ target, by binary search (the linear-scan oracle is in
    /// `advanceMatchesALinearScan`).
    func firstIndex(atLeast target: UInt32) -> Int? {
        var low = 0
        var high = docs.count
        while low < high {
            let middle = (low + high) / 2
            if docs[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low < docs.count ? low : nil
    }
}

/// Writes `terms` with one `PostingsWriter` and maps the result.
private func writeAndOpen(_ terms: inout [ExpectedTerm]) throws -> PostingsReader {
    var writer = PostingsWriter()
    for t in terms.indices {
        writer.startTerm()
        for (i, doc) in terms[t].docs.enumerated() {
            writer.add(docID: doc, positions: terms[t].positions[i], fieldLength: terms[t].fieldLengths[i])
        }
        terms[t].info = writer.finishTerm()
        terms[t].frequencies = terms[t].positions.map { UInt32($0.count) }
    }
    let files = writer.finish()
    return try openPostingsReader(postings: files.postings, positions: files.positions)
}

/// Writes both files to a temporary directory, maps them and removes them (the mappings stay).
func openPostingsReader(postings: [UInt8], positions: [UInt8]) throws -> PostingsReader {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sou-postings-\(UUID())").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try DurableFile.write(postings, to: directory + "/0.postings", sync: false)
    try DurableFile.write(positions, to: directory + "/0.positions", sync: false)
    return try PostingsReader(
        postings: MappedFile(path: directory + "/0.postings"),
        positions: MappedFile(path: directory + "/0.positions")
    )
}

private func makeTerm(
    documents: Int,
    maxGap: UInt64,
    maxFrequency: Int,
    random: inout PostingsTestRandom
)
    -> ExpectedTerm
{
    var term = ExpectedTerm()
    // Keep the last doc below UInt32.max (the end marker) whatever the gaps.
    let gapLimit = max(1, min(maxGap, (UInt64(UInt32.max) - 1) / UInt64(max(documents, 1))))
    var doc = random.next(in: 0...min(gapLimit, 3))
    for _ in 0..<documents {
        term.docs.append(UInt32(doc))
        let frequency = Int(random.next(in: 1...UInt64(maxFrequency)))
        var position = random.next(in: 0...5)
        var positions: [UInt32] = []
        for _ in 0..<frequency {
            positions.append(UInt32(position))
            position += random.next(in: 1...(random.next() % 8 == 0 ? 70_000 : 3))
        }
        term.positions.append(positions)
        term.fieldLengths.append(UInt32(position) + UInt32(random.next(in: 0...50)))
        doc += random.next(in: 1...gapLimit)
    }
    return term
}

private func randomTerms(_ random: inout PostingsTestRandom) -> [ExpectedTerm] {
    var terms: [ExpectedTerm] = []
    for documents in [0, 1, 127, 128, 129, 1000, 10_000] {
        for maxGap: UInt64 in [1, 4, 1000, 1 << 31] {
            let maxFrequency = documents >= 10_000 ? 3 : [1, 2, 40][Int(random.next() % 3)]
            terms.append(makeTerm(documents: documents, maxGap: maxGap, maxFrequency: maxFrequency, random: &random))
        }
    }
    // Gaps of exactly 2^31 and the largest doc ID a posting may have.
    var extremes = ExpectedTerm()
    extremes.docs = [0, 1 << 31, UInt32.max - 1]
    extremes.positions = [[0], [1, UInt32.max - 1], [UInt32.max]]
    extremes.fieldLengths = [1, UInt32.max, UInt32.max]
    terms.append(extremes)
    // A full block whose doc deltas need all 32 bits.
    var wide = ExpectedTerm()
    for i in 0..<129 {
        wide.docs.append(i == 0 ? 0 : (i == 1 ? UInt32.max - 200 : UInt32.max - 200 + UInt32(i)))
        wide.positions.append(i == 5 ? Array(0..<3) : [UInt32(i)])
        wide.fieldLengths.append(UInt32(1000 - i))
    }
    terms.append(wide)
    return terms
}

@Suite(.offCooperativePool) struct PostingsTests {
    @Test func nextVisitsEveryPostingInOrder() throws {
        var random = PostingsTestRandom.fromEnvironmentOrTime()
        var terms = randomTerms(&random)
        let reader = try writeAndOpen(&terms)
        for term in terms {
            var cursor = reader.cursor(for: term.info)
            #expect(cursor.documentFrequency == UInt32(term.docs.count))
            #expect(term.info.totalTermFrequency == term.frequencies.reduce(0) { $0 + UInt64($1) })
            #expect(cursor.maxFrequency == (term.frequencies.max() ?? 0))
            #expect(cursor.minFieldLength == (term.fieldLengths.min() ?? .max))
            var seen: [UInt32] = []
            var frequencies: [UInt32] = []
            var doc = cursor.doc
            while doc != PostingsCursor.noMoreDocs {
                seen.append(doc)
                frequencies.append(cursor.frequency)
                doc = cursor.next()
            }
            #expect(seen == term.docs, "seed \(random.seed), df \(term.docs.count)")
            #expect(frequencies == term.frequencies, "seed \(random.seed)")
            #expect(cursor.next() == PostingsCursor.noMoreDocs)
            #expect(cursor.doc == PostingsCursor.noMoreDocs)
            #expect(cursor.blockLastDoc == PostingsCursor.noMoreDocs)
            #expect(!cursor.isCorrupt)
        }
    }

    @Test func advanceMatchesALinearScan() throws {
        var random = PostingsTestRandom.fromEnvironmentOrTime()
        var terms = randomTerms(&random)
        let reader = try writeAndOpen(&terms)
        for term in terms {
            for _ in 0..<5 {
                var cursor = reader.cursor(for: term.info)
                var target: UInt64 = 0
                let span = UInt64(term.docs.last ?? 1000) + 2
                var at = 0  // index of the expected current doc; moves forward by linear scan
                while true {
                    if random.next() % 5 == 0 {
                        // A plain next() between advances.
                        at = min(at + 1, term.docs.count)
                        let want = at < term.docs.count ? term.docs[at] : PostingsCursor.noMoreDocs
                        #expect(cursor.next() == want, "seed \(random.seed): next()")
                    }
                    // Small steps, and jumps over many blocks.
                    let step = random.next() % 4 == 0 ? random.next(in: 0...max(1, span / 8)) : random.next(in: 0...300)
                    target = min(target + step, UInt64(UInt32.max))
                    let before = cursor.doc
                    let got = cursor.advance(to: UInt32(target))
                    while at < term.docs.count && term.docs[at] < UInt32(target) { at += 1 }
                    let want = at < term.docs.count ? term.docs[at] : PostingsCursor.noMoreDocs
                    #expect(
                        got == want,
                        "seed \(random.seed): advance(to: \(target)) from \(before), df \(term.docs.count)"
                    )
                    #expect(cursor.doc == got)
                    if at < term.docs.count { #expect(cursor.frequency == term.frequencies[at], "seed \(random.seed)") }
                    if got == PostingsCursor.noMoreDocs || got != want { break }
                }
                #expect(!cursor.isCorrupt)
            }
        }
    }

    @Test func positionsOfRandomDocumentsAfterAdvancing() throws {
        var random = PostingsTestRandom.fromEnvironmentOrTime()
        var terms = randomTerms(&random)
        let reader = try writeAndOpen(&terms)
        var buffer: [UInt32] = [99]
        for term in terms where !term.docs.isEmpty {
            var cursor = reader.cursor(for: term.info)
            var index = 0
            while true {
                if random.next() % 3 == 0 {
                    cursor.positions(into: &buffer)
                    #expect(buffer == term.positions[index], "seed \(random.seed): doc \(term.docs[index])")
                    if random.next() % 4 == 0 {  // again, from the remembered offset's start
                        cursor.positions(into: &buffer)
                        #expect(buffer == term.positions[index], "seed \(random.seed): repeated")
                    }
                }
                let jump = random.next() % 6 == 0 ? Int(random.next() % 400) : Int(random.next() % 3)
                index += 1 + jump
                guard index < term.docs.count else { break }
                #expect(cursor.advance(to: term.docs[index]) == term.docs[index])
            }
            #expect(cursor.advance(to: UInt32.max) == PostingsCursor.noMoreDocs)
            cursor.positions(into: &buffer)
            #expect(buffer.isEmpty)
            #expect(!cursor.isCorrupt)
        }
    }

    @Test func blockBoundsMatchTheBlocks() throws {
        var random = PostingsTestRandom.fromEnvironmentOrTime()
        var terms = randomTerms(&random)
        let reader = try writeAndOpen(&terms)
        for term in terms {
            // The expected block of each doc: documents 128k ..< 128(k+1).
            let blockBounds = stride(from: 0, to: term.docs.count, by: 128).map { start in
                let range = start..<min(term.docs.count, start + 128)
                return (
                    last: term.docs[range.last!], maxFrequency: term.frequencies[range].max()!,
                    minFieldLength: term.fieldLengths[range].min()!
                )
            }
            func bounds(ofBlock block: Int) -> (last: UInt32, maxFrequency: UInt32, minFieldLength: UInt32) {
                blockBounds[block]
            }
            var cursor = reader.cursor(for: term.info)
            for (i, doc) in term.docs.enumerated() {
                #expect(cursor.doc == doc)
                let expected = bounds(ofBlock: i / 128)
                #expect(cursor.blockLastDoc == expected.last, "seed \(random.seed)")
                #expect(cursor.blockLastDoc >= doc)
                #expect(cursor.blockMaxFrequency == expected.maxFrequency)
                #expect(cursor.blockMinFieldLength == expected.minFieldLength)
                #expect(cursor.blockMaxFrequency >= cursor.frequency)
                _ = cursor.next()
            }
            #expect(cursor.blockLastDoc == PostingsCursor.noMoreDocs)
            #expect(cursor.blockMaxFrequency == 0)

            // shallowAdvance moves only the skip pointer; advance still lands right afterwards,
            // also for a target before the pointer's block.
            var shallow = reader.cursor(for: term.info)
            for _ in 0..<40 where !term.docs.isEmpty {
                let first = shallow.doc
                let ahead = UInt32(
                    min(UInt64(UInt32.max - 1), random.next(in: UInt64(first)...UInt64(term.docs.last!) + 5))
                )
                shallow.shallowAdvance(to: ahead)
                #expect(shallow.doc == first, "seed \(random.seed): shallowAdvance moved the doc")
                if let index = term.firstIndex(atLeast: ahead) {
                    let expected = bounds(ofBlock: index / 128)
                    let current = term.firstIndex(atLeast: first)! / 128
                    if index / 128 >= current {
                        #expect(shallow.blockLastDoc == expected.last, "seed \(random.seed): target \(ahead)")
                        #expect(shallow.blockMaxFrequency == expected.maxFrequency)
                        #expect(shallow.blockMinFieldLength == expected.minFieldLength)
                    }
                } else {
                    #expect(shallow.blockLastDoc == PostingsCursor.noMoreDocs)
                }
                let behind = UInt32(random.next(in: UInt64(first)...UInt64(ahead)))
                let got = shallow.advance(to: behind)
                #expect(got == term.firstIndex(atLeast: behind).map { term.docs[$0] } ?? PostingsCursor.noMoreDocs)
                if got == PostingsCursor.noMoreDocs { break }
                #expect(shallow.blockLastDoc >= got)
            }
            #expect(!shallow.isCorrupt)
        }
    }

    @Test func emptyTermHasNoDocuments() throws {
        var terms = [ExpectedTerm()]
        let reader = try writeAndOpen(&terms)
        var cursor = reader.cursor(for: terms[0].info)
        #expect(cursor.doc == PostingsCursor.noMoreDocs)
        #expect(cursor.next() == PostingsCursor.noMoreDocs)
        #expect(cursor.advance(to: 5) == PostingsCursor.noMoreDocs)
        cursor.shallowAdvance(to: 7)
        #expect(cursor.blockLastDoc == PostingsCursor.noMoreDocs)
        #expect(cursor.frequency == 0)
        #expect(cursor.maxFrequency == 0)
        #expect(!cursor.isCorrupt)
    }

    /// The worked example of docs/FORMAT.md §3–§4, byte for byte (a layout change must fail here).
    @Test func bytesMatchTheWorkedExampleInFormatDoc() throws {
        var writer = PostingsWriter()
        writer.startTerm()
        writer.add(docID: 3, positions: [0, 4], fieldLength: 9)
        writer.add(docID: 7, positions: [2], fieldLength: 5)
        let info = writer.finishTerm()
        #expect(info == TermInfo(documentFrequency: 2, postingsOffset: 0, positionsOffset: 0, totalTermFrequency: 3))
        let files = writer.finish()
        #expect(
            files.postings == [
                0x53, 0x4f, 0x55, 0x50, 0x02, 0x00, 0x00, 0x00, 0x02, 0x05, 0x0a, 0x07, 0x04, 0x03, 0x02, 0x05,
                0x02, 0x02, 0x09, 0x01, 0x05, 0x03, 0x01, 0x04, 0x00, 0x33, 0x2f, 0x12, 0xca,
            ]
        )
        #expect(
            files.positions == [
                0x53, 0x4f, 0x55, 0x58, 0x01, 0x00, 0x00, 0x00, 0x00, 0x04, 0x02, 0x32, 0x15, 0x79, 0x77,
            ]
        )
    }

    /// A copied cursor is an independent value: moving one leaves the other where it was.
    /// The same term written as version 1 (before impacts): the bytes the format documented then.
    @Test func versionOneBytesMatchTheFormerWorkedExample() throws {
        var writer = PostingsWriter(version: 1)
        writer.startTerm()
        writer.add(docID: 3, positions: [0, 4], fieldLength: 9)
        writer.add(docID: 7, positions: [2], fieldLength: 5)
        _ = writer.finishTerm()
        #expect(
            writer.finish().postings == [
                0x53, 0x4f, 0x55, 0x50, 0x01, 0x00, 0x00, 0x00, 0x02, 0x05, 0x05, 0x07, 0x04, 0x03, 0x02, 0x05,
                0x03, 0x01, 0x04, 0x00, 0x84, 0x29, 0xcb, 0xb7,
            ]
        )
    }

    @Test func copiedCursorsMoveIndependently() throws {
        var random = PostingsTestRandom.fromEnvironmentOrTime()
        var terms = [makeTerm(documents: 1000, maxGap: 10, maxFrequency: 3, random: &random)]
        let reader = try writeAndOpen(&terms)
        var first = reader.cursor(for: terms[0].info)
        _ = first.advance(to: terms[0].docs[300])
        var second = first
        _ = second.advance(to: terms[0].docs[900])
        #expect(first.doc == terms[0].docs[300])
        #expect(first.next() == terms[0].docs[301])
        #expect(second.doc == terms[0].docs[900])
        #expect(second.next() == terms[0].docs[901])
        var buffer: [UInt32] = []
        first.positions(into: &buffer)
        #expect(buffer == terms[0].positions[301])
    }
}
