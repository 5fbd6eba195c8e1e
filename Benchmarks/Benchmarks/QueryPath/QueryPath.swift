import Benchmark
import BenchmarkSupport
import SouCorpus
import SouIndex
import SouQuery

/// The query path in-process on a warm index: every query class, top-10, snippets off and on,
/// and hit materialization. The index is one segment of 8 MiB of generated mixed text (CJK runs
/// and Latin words); each class has 10 queries sampled from it (each matches something), run
/// in turn, one per iteration, so the percentiles are over the class's queries.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        maxDuration: .seconds(1),
        maxIterations: 2_000
    )
    let fixture = try! QueryFixture()
    for queryClass in QueryClass.allCases {
        let queries = fixture.queries[queryClass] ?? []
        if queries.isEmpty { continue }
        for snippets in [false, true] {
            let options = SearchOptions(limit: 10, snippets: snippets)
            // The closure runs once per iteration: the turn is kept outside it.
            let turn = Turn()
            Benchmark("Search \(queryClass.rawValue) top-10 snippets \(snippets ? "on" : "off")") { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(try fixture.searcher.search(queries[turn.next(queries.count)], options: options))
                }
            }
        }
    }
    // Hit materialization: 100 hits of a frequent two-character CJK string, ids only or with
    // every stored field (zlib block reads), snippets off.
    let frequent = fixture.queries[.cjk2]?.first ?? "的"
    for (label, fields) in [("ids only", nil), ("ids + stored fields", ["*"])] as [(String, [String]?)] {
        let options = SearchOptions(limit: 100, fields: fields, snippets: false)
        Benchmark("Materialize 100 hits, \(label)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try fixture.searcher.search(frequent, options: options)) }
        }
    }
}

struct QueryFixture: @unchecked Sendable {
    let searcher: Searcher
    let queries: [QueryClass: [String]]

    init() throws {
        let documents = Fixtures.documents(.mixed, bytes: 8 << 20)
        let (directory, views) = try Fixtures.segments(documents, label: "query")
        Fixtures.removeDirectory(directory)
        searcher = Searcher(snapshot: Snapshot(segments: views))
        var sampler = QuerySampler(texts: Fixtures.texts(documents), seed: Fixtures.seed)
        var queries: [QueryClass: [String]] = [:]
        for queryClass in QueryClass.allCases { queries[queryClass] = sampler.sample(queryClass, count: 10).map(\.sou) }
        self.queries = queries
    }
}
