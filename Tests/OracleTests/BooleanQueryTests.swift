import SouAnalysis
import SouDocument
import SouFormat
import SouIndex
import SouQuery
import SouTestSupport
import Testing

/// Random boolean queries (AND, OR, NOT, parentheses, field restrictions) over CJK substrings
/// of seeds/: Sou's result set equals set algebra over the brute-force scan, exactly.
@Suite(.offCooperativePool) struct BooleanQueryTests {
    indirect enum Expression {
        case leaf(text: String, field: String?)
        case and(positive: [Expression], negative: [Expression])
        case or([Expression])

        var query: String {
            switch self {
            case .leaf(let text, let field):
                return field.map { "\($0):\(text)" } ?? text
            case .and(let positive, let negative):
                return "(" + (positive.map(\.query) + negative.map { "-" + $0.query }).joined(separator: " ") + ")"
            case .or(let children):
                return "(" + children.map(\.query).joined(separator: " OR ") + ")"
            }
        }

        func evaluate(_ oracle: BruteForceOracle, all: Set<String>) -> Set<String> {
            switch self {
            case .leaf(let text, let field):
                return oracle.ids(containing: text, field: field)
            case .and(let positive, let negative):
                var result = positive.reduce(all) { $0.intersection($1.evaluate(oracle, all: all)) }
                for child in negative { result.subtract(child.evaluate(oracle, all: all)) }
                return result
            case .or(let children):
                return children.reduce(Set<String>()) { $0.union($1.evaluate(oracle, all: all)) }
            }
        }
    }

    /// Short CJK substrings of the corpus: frequent enough that boolean combinations are non-trivial.
    static func vocabulary(_ documents: [Document], random: inout SplitMix64) -> [String] {
        let analyzer = Analyzer()
        let runs = documents.flatMap { document in
            analyzer.normalize(document.fields[0].value).split { ScriptClass.of($0) != .cjk }.map(Array.init)
        }.filter { $0.count >= 2 }
        return (0..<80).map { _ in
            let run = runs[Int(random.next() % UInt64(runs.count))]
            let length = min(run.count, Int(random.next() % 2) + 1)
            let start = Int(random.next() % UInt64(run.count - length + 1))
            return String(run[start..<(start + length)])
        }
    }

    static func randomExpression(depth: Int, words: [String], random: inout SplitMix64) -> Expression {
        let roll = random.next() % 10
        if depth == 0 || roll < 3 {
            let word = words[Int(random.next() % UInt64(words.count))]
            let field: String? = random.next() % 6 == 0 ? ["title", "body"][Int(random.next() % 2)] : nil
            return .leaf(text: word, field: field)
        }
        let count = Int(random.next() % 2) + 2
        let children = (0..<count).map { _ in randomExpression(depth: depth - 1, words: words, random: &random) }
        if roll < 7 {
            let negatives =
                random.next() % 2 == 0 ? [randomExpression(depth: depth - 1, words: words, random: &random)] : []
            return .and(positive: children, negative: negatives)
        }
        return .or(children)
    }

    @Test(arguments: [(1, UInt64(0xB001)), (3, UInt64(0xB002))])
    func booleanQueriesMatchSetAlgebra(segments: Int, seed: UInt64) throws {
        print("BooleanQueryTests seed", seed)
        var random = SplitMix64(seed: seed)
        let documents = try SeedCorpus.paragraphDocuments()
        let deleted = Set(documents.enumerated().filter { $0.offset % 11 == 5 }.map(\.element.id))
        let live = documents.filter { !deleted.contains($0.id) }
        let fixture = try SnapshotFixture(documents: documents, segmentCount: segments, deletedIDs: deleted)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let oracle = BruteForceOracle(documents: live)
        let all = Set(live.map(\.id))
        let words = Self.vocabulary(documents, random: &random)
        var nonEmpty = 0
        for _ in 0..<200 {
            let expression = Self.randomExpression(depth: 3, words: words, random: &random)
            let expected = expression.evaluate(oracle, all: all)
            if !expected.isEmpty { nonEmpty += 1 }
            let query = expression.query
            let result = try searcher.search(query, options: SearchOptions(limit: documents.count, snippets: false))
            #expect(result.total == expected.count, "\(query)")
            #expect(Set(result.hits.map(\.id)) == expected, "\(query)")
            #expect(zip(result.hits, result.hits.dropFirst()).allSatisfy { $0.score >= $1.score }, "\(query)")
            // A small page with pruning is the head of the full ranking.
            let page = try searcher.search(query, options: SearchOptions(limit: 3, snippets: false))
            #expect(page.total == expected.count && page.hits == Array(result.hits.prefix(3)), "\(query)")
        }
        print("BooleanQueryTests: \(nonEmpty) of 200 queries match something")
        #expect(nonEmpty >= 70)
    }
}
