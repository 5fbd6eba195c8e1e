import SouAnalysis
import SouDocument
import SouFormat
import SouIndex
import SouTestSupport
import Testing

@testable import SouQuery

#if canImport(Glibc)
import Glibc
#endif

/// The query deadline holds where no match is ever produced: phrase and AND candidate loops,
/// live document-frequency walks and prefix expansion all stop with `SearchError.timeout`.
@Suite(.offCooperativePool) struct QueryDeadlineTests {
    /// 3,000 documents where "alpha" and "beta" (and the CJK bigrams 大同 and 同市) co-occur
    /// but are never adjacent, plus "left"/"right" in disjoint documents.
    static let documents = (0..<3_000).map { number in
        Document(
            id: "d\(number)",
            fields: [
                .init(name: "body", value: "alpha gap beta 大同和同市 \(number.isMultiple(of: 2) ? "left" : "right")")
            ]
        )
    }

    /// The fixture's snapshot without deletion bitmaps: document frequencies then come from the
    /// dictionary, so the candidate loops are the first to see the deadline.
    static func withoutDeletions(_ fixture: SnapshotFixture) -> Snapshot {
        Snapshot(segments: fixture.snapshot.segments.map { SegmentView(reader: $0.reader, deletions: nil) })
    }

    static let expired = ContinuousClock.now - .seconds(1)

    @Test(arguments: ["\"alpha beta\"", "大同市", "left right", "\"alpha beta\" OR 大同市"])
    func matchlessCandidateLoopsTimeOut(query: String) throws {
        let fixture = try SnapshotFixture(documents: Self.documents, segmentCount: 2)
        let searcher = Searcher(snapshot: Self.withoutDeletions(fixture))
        // Without a deadline the query runs to the end and matches nothing: no match-count check could fire.
        #expect(try searcher.count(query) == 0)
        #expect(try searcher.search(query).total == 0)
        #expect(throws: SearchError.timeout) { try searcher.search(query, options: .init(deadline: Self.expired)) }
        #expect(throws: SearchError.timeout) { try searcher.count(query, deadline: Self.expired) }
        // The same with deletion bitmaps (the live-df walk is on the way).
        let withDeletions = Searcher(snapshot: fixture.snapshot)
        #expect(throws: SearchError.timeout) { try withDeletions.count(query, deadline: Self.expired) }
    }

    @Test func phraseAndConjunctionMatchersStopOnceExpired() throws {
        let fixture = try SnapshotFixture(documents: Self.documents)
        let reader = fixture.snapshot.segments[0].reader
        let field = try #require(reader.meta.fieldNumber("body"))
        func slot(_ term: String) throws -> TermMatcher {
            let info = try #require(try reader.dictionary.lookup(SegmentReader.key(field: UInt8(field), term: term)))
            let weight = BM25Weight(idf: 1, boost: 1, averageLength: 5, parameters: .init())
            return TermMatcher(
                cursor: reader.postings.cursor(for: info),
                weight: weight,
                norms: reader.norms,
                field: field
            )
        }
        let weight = BM25Weight(idf: 1, boost: 1, averageLength: 5, parameters: .init())
        let live = QueryDeadline(nil)
        let phrase = PhraseMatcher(
            slots: [try slot("alpha"), try slot("beta")],
            offsets: [0, 1],
            weight: weight,
            norms: reader.norms,
            field: field,
            deadline: live
        )
        #expect(phrase.doc == noMoreDocs && !live.isExpired)
        let expired = QueryDeadline(Self.expired)
        let stopped = PhraseMatcher(
            slots: [try slot("alpha"), try slot("beta")],
            offsets: [0, 1],
            weight: weight,
            norms: reader.norms,
            field: field,
            deadline: expired
        )
        #expect(stopped.doc == noMoreDocs && expired.isExpired)
        let late = QueryDeadline(Self.expired)
        let conjunction = ConjunctionMatcher(children: [try slot("left"), try slot("right")], deadline: late)
        #expect(conjunction.doc == noMoreDocs && late.isExpired)
        // Unions (prefixes, lone CJK characters) and ORs do work per cursor and per child.
        let unionDeadline = QueryDeadline(Self.expired)
        let union = TermUnionMatcher(
            cursors: try ["alpha", "beta"].map { term in
                let info = try #require(
                    try reader.dictionary.lookup(SegmentReader.key(field: UInt8(field), term: term))
                )
                return reader.postings.cursor(for: info)
            },
            weight: weight,
            norms: reader.norms,
            field: field,
            deadline: unionDeadline
        )
        #expect(union.doc == 0)
        #expect(union.next() == noMoreDocs && unionDeadline.isExpired)
        let orDeadline = QueryDeadline(Self.expired)
        let disjunction = DisjunctionMatcher(children: [try slot("left"), try slot("right")], deadline: orDeadline)
        #expect(disjunction.doc == 0)
        #expect(disjunction.next() == noMoreDocs && orDeadline.isExpired)
    }

    @Test func liveDocumentFrequencyWalkTimesOut() throws {
        let fixture = try SnapshotFixture(documents: Self.documents, deletedIDs: ["d7"])
        let analyzer = Analyzer()
        func plan(_ deadline: ContinuousClock.Instant?) -> QueryWeight.Statistics {
            QueryWeight.Statistics(
                terms: TermLookup(snapshot: fixture.snapshot, maxExpansions: 65_536, deadline: QueryDeadline(deadline)),
                parameters: .init(),
                boosts: [:],
                allFields: ["body"]
            )
        }
        let leaf = QueryLeaf(field: nil, text: "alpha", analyzer: analyzer)
        _ = try plan(nil).weight(of: leaf, field: "body")
        #expect(throws: SearchError.timeout) { try plan(Self.expired).weight(of: leaf, field: "body") }
    }

    /// A lone CJK character's df is the length of the union of its terms' postings, built by a
    /// walk even without deletions; the walk ticks the deadline. The expansion is done (and
    /// cached) before the deadline passes, so only the union walk can see it.
    @Test func unionDocumentFrequencyWalkTimesOut() throws {
        let fixture = try SnapshotFixture(documents: Self.documents)
        let snapshot = Self.withoutDeletions(fixture)
        let analyzer = Analyzer()
        let leaf = QueryLeaf(field: nil, text: "同", analyzer: analyzer)
        let field = UInt8(try #require(snapshot.segments[0].reader.meta.fieldNumber("body")))
        func plan(_ deadline: ContinuousClock.Instant?) -> QueryWeight.Statistics {
            QueryWeight.Statistics(
                terms: TermLookup(snapshot: snapshot, maxExpansions: 65_536, deadline: QueryDeadline(deadline)),
                parameters: .init(),
                boosts: [:],
                allFields: ["body"]
            )
        }
        // The walk that builds the union (ExpandedPostings) ticks the deadline; a timed-out
        // build is not cached, so it runs first, before a plan without deadline builds it.
        let deadline = ContinuousClock.now + .seconds(1)
        let late = plan(deadline)
        _ = try late.terms.terms(segment: 0, field: field, slot: leaf.slots[0])
        while ContinuousClock.now < deadline { usleep(20_000) }
        #expect(throws: SearchError.timeout) { try late.weight(of: leaf, field: "body") }
        // 同和 and 同市, both in every document: df is 3,000 (not 6,000), so idf is the N = df one.
        let free = plan(nil)
        #expect(try free.terms.terms(segment: 0, field: field, slot: leaf.slots[0]).count == 2)
        let weight = try free.weight(of: leaf, field: "body")
        let expected = BM25Weight(
            idf: BM25Weight.idf(documentFrequency: 3_000, documentCount: 3_000),
            boost: 1,
            averageLength: 1,
            parameters: .init()
        )
        #expect(abs(weight.maximum - expected.maximum) < 1e-6)
    }

    @Test func prefixExpansionTimesOut() throws {
        // One document, 5,000 distinct terms under the prefix: one match, a long expansion.
        let words = (0..<5_000).map { "pre\($0)x" }.joined(separator: " ")
        let fixture = try SnapshotFixture(documents: [Document(id: "only", fields: [.init(name: "body", value: words)])]
        )
        let searcher = Searcher(snapshot: Self.withoutDeletions(fixture))
        // Before the expansion is cached (a cached one needs no dictionary walk at all).
        #expect(throws: SearchError.timeout) { try searcher.count("pre*", deadline: Self.expired) }
        #expect(throws: SearchError.timeout) { try searcher.search("pre*", options: .init(deadline: Self.expired)) }
        #expect(try searcher.count("pre*") == 1)
    }

    /// A snippet of a field with tens of thousands of matches ticks the deadline per token.
    @Test func snippetBuildingTimesOut() throws {
        let body = String(repeating: "word ", count: 20_000)
        let document = Document(id: "big", fields: [Document.Field(name: "body", value: body)])
        let builder = SnippetBuilder(
            query: try QueryParser().parse("word"),
            analyzer: Analyzer(),
            highlight: .init(open: "[", close: "]"),
            length: 30
        )
        #expect(try builder.snippet(for: document).hasPrefix("[word] [word]"))
        #expect(throws: SearchError.timeout) {
            try builder.snippet(for: document, deadline: QueryDeadline(Self.expired))
        }
    }

    /// The window with the most matches, counted by binary search over the merged ranges,
    /// is the one a plain count over every range picks (seeded random fields).
    @Test func snippetWindowIsTheOneWithTheMostMatches() throws {
        var random = SplitMix64(seed: 0x5E1EC7)
        let builder = SnippetBuilder(
            query: try QueryParser().parse("ab OR 中"),
            analyzer: Analyzer(),
            highlight: .init(open: "[", close: "]"),
            length: 12
        )
        for round in 0..<300 {
            let words = (0..<Int(random.next() % 40 + 1)).map { _ in
                ["ab", "cd", "中文", "x", "abab", "中"][Int(random.next() % 6)]
            }
            let text = words.joined(separator: random.next() % 2 == 0 ? " " : "")
            let ranges = try builder.matchRanges(in: Document.Field(name: "body", value: text))
            let snippet = builder.render(text, ranges: ranges)
            // The reference: for each match, the window starting `lead` characters before it,
            // counted by testing every range; the first best wins.
            let characters = Array(text)
            var offsets = [0]
            for character in characters { offsets.append(offsets.last! + character.utf8.count) }
            var best = -1
            var bestStart = 0
            for range in ranges {
                let index = offsets.lastIndex { $0 <= range.lowerBound }!
                let start = max(0, index - min(12 / 5, 20))
                let endByte = offsets[min(characters.count, start + 12)]
                let count = ranges.filter { $0.lowerBound >= offsets[start] && $0.upperBound <= endByte }.count
                if count > best { (best, bestStart) = (count, start) }
            }
            #expect(snippet.hasPrefix("…") == (bestStart > 0), "round \(round): \(text) → \(snippet)")
            let plain = snippet.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
                .replacingOccurrences(of: "…", with: "")
            let expected = String(characters[bestStart..<min(characters.count, bestStart + 12)])
            #expect(plain == expected.replacingOccurrences(of: "  ", with: " "), "round \(round): \(text) → \(snippet)")
        }
    }

    @Test func tickReadsTheClockFirstThenEveryInterval() {
        let never = QueryDeadline(nil)
        for _ in 0..<5_000 { #expect(!never.tick()) }
        let soon = QueryDeadline(.now + .seconds(3_600))
        #expect(!soon.tick())
        #expect(!soon.checkNow())
        let past = QueryDeadline(Self.expired)
        #expect(past.tick())
        #expect(throws: SearchError.timeout) { try past.throwIfExpired() }
    }
}
