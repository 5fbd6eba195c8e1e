import Foundation
import SouCorpus
import SouDocument
import SouFormat
import SouIndex
import SouQuery

// sou-inprocess: indexes a JSON-lines file into a real Sou index in this process (the
// SouIndex writer API with the daemon's default durability, one commit) and times queries
// against it, for Benchmarks/compare.py. Prints one JSON object on stdout.
//
//   sou-inprocess --input corpus.jsonl --queries queries.jsonl --data-dir DIR
//                 [--repeat 20] [--match-sets cjk1,cjk2,cjk4]

let usage = """
    usage: sou-inprocess --input FILE.jsonl --queries QUERIES.jsonl --data-dir DIR [--repeat N] [--match-sets CLASSES]
      QUERIES: lines {"class":…,"sou":…} as `sou-corpus queries` prints them.
      Each query runs once to warm up, then N times (default 20) with snippets off and N times with
      snippets on, limit 10. --match-sets lists the classes whose full match sets are printed
      (default cjk1,cjk2,cjk4; `all` or `none`).
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("sou-inprocess: \(message)\n\(usage)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var options: [String: String] = [:]
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    guard flag.hasPrefix("--"), !arguments.isEmpty else { fail("bad argument \(flag)") }
    options[String(flag.dropFirst(2))] = arguments.removeFirst()
}
guard let input = options["input"], let queryPath = options["queries"], let dataDirectory = options["data-dir"] else {
    fail("--input, --queries and --data-dir are required")
}
guard let repeatCount = Int(options["repeat"] ?? "20"), repeatCount > 0 else {
    fail("--repeat takes a positive integer")
}
let matchSetOption = options["match-sets"] ?? "cjk1,cjk2,cjk4"
let matchSetClasses: Set<String> =
    matchSetOption == "all"
    ? Set(QueryClass.allCases.map(\.rawValue))
    : matchSetOption == "none" ? [] : Set(matchSetOption.split(separator: ",").map(String.init))

struct QueryLine: Decodable {
    var `class`: String
    var sou: String
}

let corpus: (documents: [JSONLDocument], bytes: Int)
let queries: [QueryLine]
do {
    corpus = try JSONLines.read(path: input)
    let lines = try String(contentsOfFile: queryPath, encoding: .utf8).split(separator: "\n")
    queries = try lines.map { try JSONDecoder().decode(QueryLine.self, from: Data($0.utf8)) }
} catch {
    fail("\(error)")
}
let documents = corpus.documents.map { document in
    Document(id: document.id, fields: document.fields.map { Document.Field(name: $0.name, value: $0.value) })
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

// Indexing: the daemon's defaults (group commit + fsync of the WAL), but no refresh until the
// final commit: one commit, built as one segment per indexing thread (`indexing_threads`, the
// processors this process may use: `taskset -c 0` gives one segment).
let indexOptions = IndexOptions(
    refreshInterval: .seconds(86_400),
    maxBufferedDocuments: .max,
    maxBufferedBytes: .max
)
let clock = ContinuousClock()
let catalog = try await IndexCatalog(dataDirectory: dataDirectory, options: indexOptions)
guard let index = catalog.index(named: IndexCatalog.defaultIndexName) else { fail("no default index") }
/// Documents per `add` call, as `sou index` sends them in one pipelined batch.
let batchSize = 1_000
let indexStart = clock.now
var start = 0
while start < documents.count {
    let end = min(documents.count, start + batchSize)
    try await index.add(Array(documents[start..<end]))
    start = end
}
try await index.commit()
let indexSeconds = seconds(clock.now - indexStart)
let stats = index.stats()

let searcher = Searcher(snapshot: index.snapshot())
var results: [[String: Any]] = []
for query in queries {
    var entry: [String: Any] = ["class": query.class, "sou": query.sou]
    for snippets in [false, true] {
        let options = SearchOptions(limit: 10, snippets: snippets)
        var total = try searcher.search(query.sou, options: options).total  // warm-up
        var times: [Double] = []
        times.reserveCapacity(repeatCount)
        for _ in 0..<repeatCount {
            let began = clock.now
            total = try searcher.search(query.sou, options: options).total
            times.append(seconds(clock.now - began) * 1000)
        }
        entry[snippets ? "ms_snippets" : "ms"] = times
        entry["total"] = total
    }
    if matchSetClasses.contains(query.class) {
        let count = try searcher.count(query.sou)
        let all = try searcher.search(query.sou, options: SearchOptions(limit: max(count, 1), snippets: false))
        entry["ids"] = all.hits.map(\.id).sorted()
    }
    results.append(entry)
}

let report: [String: Any] = [
    "documents": documents.count,
    "input_bytes": corpus.bytes,
    "index_seconds": indexSeconds,
    "index_mb_per_s": Double(corpus.bytes) / 1_048_576 / indexSeconds,
    "docs_per_s": Double(documents.count) / indexSeconds,
    "index_bytes": stats.bytesOnDisk,
    "segments": stats.segments,
    "queries": results,
]
try await catalog.close()
let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .withoutEscapingSlashes])
FileHandle.standardOutput.write(data)
FileHandle.standardOutput.write(Data("\n".utf8))
