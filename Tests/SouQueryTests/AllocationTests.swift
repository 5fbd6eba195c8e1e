import SouDocument
import SouFormat
import SouIndex
import SouQuery
import SouTestSupport
import Testing

/// Query hot paths do not allocate per posting: the same query over a corpus with 8× the
/// postings makes (almost) the same number of allocations. Run by scripts/check-allocations.sh
/// (which preloads the counter); skipped otherwise.
@Suite(.offCooperativePool) struct AllocationTests {
    static let queries = [
        "大同", "大同 教育", "大同 OR 教育", "\"大同 日报\"", "同", "大同市", "发展 -大同", "(发展 OR 工作) 大同",
        "title:大同", "dt*", "5g",
    ]

    /// Allocations of one search and one count of `query` (after a warm-up run). The search
    /// asks for one hit: copy 0 wins ties, so both corpora read the same stored document.
    static func allocations(_ query: String, _ searcher: Searcher) throws -> (search: Int, count: Int, total: Int) {
        let options = SearchOptions(limit: 1, snippets: false)
        _ = try searcher.search(query, options: options)
        let before = MallocCounter.count
        let result = try searcher.search(query, options: options)
        let afterSearch = MallocCounter.count
        _ = try searcher.count(query)
        return (afterSearch - before, MallocCounter.count - afterSearch, result.total)
    }

    @Test(.enabled(if: MallocCounter.isLoaded, "needs scripts/check-allocations.sh"))
    func allocationsDoNotGrowWithPostings() throws {
        let base = try SeedCorpus.paragraphDocuments()
        func searcher(copies: Int) throws -> (SnapshotFixture, Searcher) {
            // Copy 0 comes first, so ties keep the same top hits and the same stored documents are read.
            let documents = (0..<copies).flatMap { copy in
                base.map { Document(id: "\(copy)-\($0.id)", fields: $0.fields) }
            }
            // The same base documents are deleted in every copy (the deletion check is on the path too).
            let deleted = Set(
                (0..<copies).flatMap { copy in
                    base.enumerated().filter { $0.offset % 10 == 3 }.map { "\(copy)-\($0.element.id)" }
                }
            )
            let fixture = try SnapshotFixture(documents: documents, deletedIDs: deleted)
            return (fixture, Searcher(snapshot: fixture.snapshot))
        }
        let (smallFixture, small) = try searcher(copies: 1)
        let (largeFixture, large) = try searcher(copies: 8)
        defer { withExtendedLifetime((smallFixture, largeFixture)) {} }
        for query in Self.queries {
            let few = try Self.allocations(query, small)
            let many = try Self.allocations(query, large)
            print(
                "AllocationTests \(query): \(few.total) → \(many.total) matches,",
                "search \(few.search) → \(many.search), count \(few.count) → \(many.count) allocations"
            )
            #expect(many.total == 8 * few.total, "\(query)")
            // 7 × the matches, yet (almost) the same allocations: nothing is allocated per posting.
            #expect(many.count <= few.count + 4, "\(query): count allocates per posting")
            #expect(many.search <= few.search + 4, "\(query): search allocates per posting")
        }
    }
}
