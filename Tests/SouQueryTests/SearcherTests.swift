import SouDocument
import SouFormat
import SouIndex
import SouQuery
import SouTestSupport
import Testing

/// Query semantics end to end over real segments.
@Suite(.offCooperativePool) struct SearcherTests {
    static let documents = [
        Document(
            id: "1",
            fields: [.init(name: "title", value: "大同日报"), .init(name: "body", value: "大同市教育局召开会议，推进5G+智慧教育。")]
        ),
        Document(
            id: "2",
            fields: [.init(name: "title", value: "科技新闻"), .init(name: "body", value: "平城区科技创新，访问 www.dtnews.cn 了解详情。")]
        ),
        Document(
            id: "3",
            fields: [
                .init(name: "title", value: "Education Weekly"),
                .init(name: "body", value: "Educational reform in Datong: education for all."),
            ]
        ),
        Document(id: "4", fields: [.init(name: "body", value: "ＡＢＣ１２３ full-width text and APP使用指南")]),
        Document(id: "5", fields: [.init(name: "body", value: "大同 教育 科技")]),
    ]

    func ids(_ query: String, segments: Int = 1) throws -> Set<String> {
        let fixture = try SnapshotFixture(documents: Self.documents, segmentCount: segments)
        let result = try Searcher(snapshot: fixture.snapshot).search(query, options: .init(limit: 100, snippets: false))
        #expect(result.total == result.hits.count)
        return Set(result.hits.map(\.id))
    }

    @Test(arguments: [1, 2])
    func booleanOperators(segments: Int) throws {
        #expect(try ids("大同 教育", segments: segments) == ["1", "5"])
        #expect(try ids("大同 OR 科技", segments: segments) == ["1", "2", "5"])
        #expect(try ids("教育 -科技", segments: segments) == ["1"])
        #expect(try ids("教育 NOT 科技", segments: segments) == ["1"])
        #expect(try ids("(大同 OR 平城) 科技", segments: segments) == ["2", "5"])
    }

    @Test(arguments: [1, 3])
    func cjkSubstringsOfEveryLength(segments: Int) throws {
        #expect(try ids("同", segments: segments) == ["1", "5"])
        #expect(try ids("报", segments: segments) == ["1"])
        #expect(try ids("大同日报", segments: segments) == ["1"])
        #expect(try ids("同日", segments: segments) == ["1"])
        #expect(try ids("大同教育", segments: segments) == [])  // not contiguous anywhere
    }

    @Test(arguments: [1, 3])
    func phrasesFieldsAndPrefixes(segments: Int) throws {
        func ids(_ query: String) throws -> Set<String> { try self.ids(query, segments: segments) }
        #expect(try ids("www.dtnews.cn") == ["2"])
        #expect(try ids("\"dtnews cn\"") == ["2"])
        #expect(try ids("\"cn dtnews\"") == [])
        #expect(try ids("title:大同") == ["1"])
        #expect(try ids("body:日报") == [])
        #expect(try ids("educ*") == ["3"])
        #expect(try ids("title:educ*") == ["3"])
        #expect(try ids("5g") == ["1"])
        #expect(try ids("abc123") == ["4"])
        #expect(try ids("ＡＢＣ１２３") == ["4"])
        #expect(try ids("app使用") == ["4"])
        #expect(try ids("EDUCATION") == ["3"])
    }

    @Test func limitOffsetAndTotal() throws {
        let fixture = try SnapshotFixture(documents: Self.documents)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let all = try searcher.search("大同 OR 科技 OR education", options: .init(limit: 10, snippets: false))
        #expect(all.total == 4)
        let page = try searcher.search("大同 OR 科技 OR education", options: .init(limit: 2, offset: 1, snippets: false))
        #expect(page.total == 4)
        #expect(page.hits.map(\.id) == Array(all.hits.map(\.id)[1..<3]))
        #expect(try searcher.search("大同", options: .init(limit: 0)).hits.isEmpty)
    }

    @Test func snippetsHighlightTheMatchedText() throws {
        let fixture = try SnapshotFixture(documents: Self.documents)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let result = try searcher.search("教育局", options: .init(highlight: .init(open: "<b>", close: "</b>")))
        #expect(result.hits.first?.snippet == "大同市<b>教育局</b>召开会议，推进5G+智慧教育。")
        let latin = try searcher.search("education", options: .init(highlight: .init(open: "[", close: "]")))
        let snippet = try #require(latin.hits.first?.snippet)
        #expect(snippet.lowercased().contains("[education]"))
        let original = try searcher.search("abc123", options: .init(highlight: .init(open: "[", close: "]")))
        #expect(original.hits.first?.snippet?.hasPrefix("[ＡＢＣ１２３]") == true)
    }

    @Test func storedFieldsAreReturnedOnRequest() throws {
        let fixture = try SnapshotFixture(documents: Self.documents)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let result = try searcher.search("日报", options: .init(fields: ["title"], snippets: false))
        #expect(result.hits.first?.fields == [Document.Field(name: "title", value: "大同日报")])
        #expect(try searcher.document(id: "2")?.fields.count == 2)
        #expect(try searcher.document(id: "nope") == nil)
    }

    @Test func malformedQueriesThrowAndExpiredDeadlinesTimeOut() throws {
        let fixture = try SnapshotFixture(documents: Self.documents)
        let searcher = Searcher(snapshot: fixture.snapshot)
        #expect(throws: QueryError.self) { try searcher.search("(大同", options: .init()) }
        #expect(throws: QueryError.self) { try searcher.search("\"unclosed", options: .init()) }
        var options = SearchOptions()
        options.deadline = .now - .seconds(1)
        // A timeout is checked every 1024 documents; a tiny corpus may finish first, so use many.
        let many = (0..<5_000).map { Document(id: "m\($0)", fields: [.init(name: "body", value: "大同 教育 \($0)")]) }
        let big = try SnapshotFixture(documents: many)
        #expect(throws: SearchError.timeout) { try Searcher(snapshot: big.snapshot).search("大同", options: options) }
    }
}
