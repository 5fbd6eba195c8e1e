import SouDocument
import SouQuery
import SouTestSupport
import Testing

/// `Searcher.isCheap` decides which searches run without a hand-off to a search thread: only
/// those that read no stored document and whose postings are known to be few.
@Suite(.offCooperativePool) struct InlineCostTests {
    @Test func cheapMeansFewPostingsAndNoStoredDocuments() throws {
        let documents = (0..<300).map { number in
            Document(
                id: "d\(number)",
                fields: [.init(name: "body", value: "common 大同 大学 w\(number) rare\(number % 3)")]
            )
        }
        let fixture = try SnapshotFixture(documents: documents)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let plain = SearchOptions(snippets: false)
        #expect(searcher.isCheap("common", options: plain, budget: 300))
        #expect(!searcher.isCheap("common", options: plain, budget: 299), "300 postings")
        #expect(searcher.isCheap("common rare1", options: plain, budget: 400))
        #expect(!searcher.isCheap("common OR rare1", options: plain, budget: 399), "300 + 100 postings")
        #expect(!searcher.isCheap("common", options: SearchOptions(snippets: true), budget: 1_000))
        #expect(!searcher.isCheap("common", options: SearchOptions(fields: ["body"], snippets: false), budget: 1_000))
        #expect(searcher.isCheap("missing", options: plain, budget: 0))
        #expect(searcher.isCheap("(unbalanced", options: plain, budget: 0), "its error is cheap")
        // A lone CJK character is cheap only once its union list is cached.
        #expect(!searcher.isCheap("大", options: plain, budget: 1_000))
        #expect(try searcher.search("大", options: plain).total == 300)
        #expect(searcher.isCheap("大", options: plain, budget: 1_000))
    }
}
