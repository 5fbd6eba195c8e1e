import SouAnalysis
import SouDocument
import SouFormat
import SouIndex
import SouTestSupport
import Testing

@testable import SouQuery

/// The cached union of an expanded slot (a lone CJK character, `word*`) is the union of its
/// terms: the same documents, frequencies and scores as walking the terms' cursors at once,
/// under `next` and random `advance`, with window bounds that hold.
@Suite(.offCooperativePool) struct ExpandedPostingsTests {
    @Test func expandedListEqualsTheUnionOfItsTerms() throws {
        let seed: UInt64 = 0xE4BA
        print("ExpandedPostingsTests seed", seed)
        var random = SplitMix64(seed: seed)
        let base = try SeedCorpus.paragraphDocuments()
        // Three copies: the frequent characters' lists span many 128-document blocks.
        let documents = (0..<3).flatMap { copy in base.map { Document(id: "\(copy)-\($0.id)", fields: $0.fields) } }
        let fixture = try SnapshotFixture(documents: documents, deletedIDs: ["1-\(base[7].id)"])
        let snapshot = fixture.snapshot
        let plan = TermLookup(snapshot: snapshot, maxExpansions: 65_536, deadline: QueryDeadline(nil))
        let reader = snapshot.segments[0].reader
        let field = try #require(reader.meta.fieldNumber("body"))
        let analyzer = Analyzer()
        var slots: Set<QuerySlot> = []
        for document in base.prefix(150) {
            for token in analyzer.tokens(document.fields[0].value) {
                switch token.kind {
                case .cjkBigram, .cjkUnigram: slots.insert(.cjkCharacter(String(token.term.prefix(1))))
                case .word where token.term.count >= 3:
                    slots.insert(.prefix(String(token.term.prefix(2)), maxCharacters: nil))
                case .word: break
                }
            }
        }
        let weight = BM25Weight(idf: 1.7, boost: 1, averageLength: 40, parameters: .init())
        var compared = 0
        for slot in slots.sorted(by: { "\($0)" < "\($1)" }) {
            let infos = try plan.terms(segment: 0, field: UInt8(field), slot: slot)
            guard infos.count > 1 else { continue }
            compared += 1
            let union = TermUnionMatcher(
                cursors: infos.map { reader.postings.cursor(for: $0) },
                weight: weight,
                norms: reader.norms,
                field: field
            )
            let postings = try plan.expandedPostings(infos, segment: 0, field: UInt8(field), slot: slot)
            let expanded = ExpandedPostingsMatcher(
                postings: postings,
                weight: weight,
                norms: reader.norms,
                field: field
            )
            #expect(expanded.cost == postings.docs.count)
            while union.doc != noMoreDocs {
                #expect(expanded.doc == union.doc, "\(slot)")
                guard expanded.doc == union.doc else { break }
                #expect(expanded.score() == union.score(), "\(slot) doc \(union.doc)")
                #expect(expanded.scoreUpperBound() >= expanded.score())
                let end = expanded.advanceShallow(to: expanded.doc)
                #expect(end >= expanded.doc && expanded.maxScore() >= expanded.score(), "\(slot) doc \(union.doc)")
                if random.next() % 3 == 0 {
                    let target = union.doc + 1 + UInt32(random.next() % 400)
                    // A window ahead of the current document: it starts at or before the target's block.
                    let ahead = expanded.advanceShallow(to: target)
                    let bound = expanded.maxScore()
                    _ = union.advance(to: target)
                    _ = expanded.advance(to: target)
                    if expanded.doc <= ahead && expanded.doc != noMoreDocs {
                        #expect(bound >= expanded.score(), "\(slot) window to \(ahead)")
                    }
                } else {
                    _ = union.next()
                    _ = expanded.next()
                }
            }
            #expect(expanded.doc == noMoreDocs, "\(slot)")
            // The live df is the list's length minus its deleted documents.
            let view = snapshot.segments[0]
            var live = 0
            for doc in postings.docs where !view.isDeleted(doc) { live += 1 }
            #expect(postings.liveCount { view.isDeleted($0) } == live)
        }
        print("compared", compared, "expanded slots")
        #expect(compared > 50)
    }

    /// The shared cache keeps at most its budget, evicting the least recently used list.
    @Test func cacheStaysWithinItsBudget() throws {
        let base = try SeedCorpus.paragraphDocuments()
        let fixture = try SnapshotFixture(documents: Array(base.prefix(400)))
        let reader = fixture.snapshot.segments[0].reader
        let field = try #require(reader.meta.fieldNumber("body"))
        let plan = TermLookup(snapshot: fixture.snapshot, maxExpansions: 65_536, deadline: QueryDeadline(nil))
        var lists: [(ExpandedPostingsCache.Key, ExpandedPostings)] = []
        for character in ["大", "的", "是", "在", "中", "国", "一", "人"] {
            let slot = QuerySlot.cjkCharacter(character)
            let infos = try plan.terms(segment: 0, field: UInt8(field), slot: slot)
            guard infos.count > 1 else { continue }
            let postings = try ExpandedPostings(
                terms: infos,
                cursors: infos.map { reader.postings.cursor(for: $0) },
                documentCount: reader.documentCount,
                norms: reader.norms,
                field: field,
                file: "test",
                deadline: QueryDeadline(nil)
            )
            lists.append((ExpandedPostingsCache.Key(reader: reader.serial, field: UInt8(field), slot: slot), postings))
        }
        try #require(lists.count >= 3)
        let budget = lists[0].1.byteSize + lists[1].1.byteSize
        let cache = ExpandedPostingsCache(capacityBytes: budget)
        cache.insert(lists[0].1, for: lists[0].0)
        cache.insert(lists[1].1, for: lists[1].0)
        #expect(cache.postings(lists[0].0) === lists[0].1)  // now the most recently used
        cache.insert(lists[2].1, for: lists[2].0)
        #expect(cache.statistics.bytes <= budget)
        #expect(cache.postings(lists[1].0) == nil, "the least recently used list goes first")
        #expect((cache.postings(lists[2].0) != nil) == (lists[2].1.byteSize <= budget))
    }
}
