import ArgumentParser
import Foundation

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search the index. Exit status 1 when nothing matches.",
        discussion:
            "The query language: words, \"phrases\", field:term, -term, OR, parentheses (docs/QUERY_LANGUAGE.md)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Hits to show.") var limit = 10
    @Option(help: "Hits to skip.") var offset = 0
    @Option(help: "Stored fields to show with each hit, comma-separated, or *.") var fields: String?
    @Flag(help: "Do not show snippets.") var noSnippet = false
    @Argument(help: "The query (several words are joined with spaces).") var query: [String]

    func validate() throws {
        if query.isEmpty { throw ValidationError("give a query, e.g. sou search 大同") }
        if limit < 0 || offset < 0 { throw ValidationError("--limit and --offset must not be negative") }
    }

    func run() throws {
        // "title body" would become `fields=title` and a query starting with "body".
        if let fields { try RequestWords.checkFields(fields) }
        let connection = try global.connect()
        var line = "SEARCH limit=\(limit) offset=\(offset) snippet=\(noSnippet ? "off" : "on")"
        line += " hl=\(Colour.openMarker),\(Colour.closeMarker)"
        if let fields { line += " fields=\(fields)" }
        // A query is whitespace-separated: newlines (e.g. from "$(cat file)") are spaces.
        line += " -- " + String(query.joined(separator: " ").map { $0.isNewline ? " " : $0 })
        let reply = try Reply.check(try Reply.call(connection, line))
        let total = reply["total"] as? Int ?? 0
        let hits = reply["hits"] as? [[String: Any]] ?? []
        if global.json {
            let plain: [[String: Any]] = hits.map { hit in
                var out = hit
                if let snippet = hit["snippet"] as? String { out["snippet"] = Colour.highlight(snippet, colour: false) }
                return out
            }
            printJSON(["total": total, "hits": plain] as [String: Any])
        } else {
            let colour = Colour.enabled
            for hit in hits {
                let id = hit["id"] as? String ?? ""
                let score = hit["score"].map { "\($0)" } ?? ""
                print("\(Colour.bold(id, colour: colour))  \(score)")
                if let snippet = hit["snippet"] as? String, !snippet.isEmpty {
                    print("    " + Colour.highlight(snippet, colour: colour))
                }
                if let stored = hit["fields"] as? [String: Any] {
                    for (name, value) in stored.sorted(by: { $0.key < $1.key }) {
                        print("    \(name): \(Colour.printable("\(value)"))")
                    }
                }
            }
            let shown = hits.isEmpty ? "no hits" : "hits \(offset + 1)-\(offset + hits.count)"
            printError("\(total) matching documents (\(shown))")
        }
        if total == 0 { throw CLIFailure.notFound("") }
    }
}
