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
    @Option(
        help: ArgumentHelp(
            "Count matches exactly up to N (then the total is a lower bound, N+), or 'exact'.",
            discussion: "Default: the daemon's total_threshold (10000).",
            valueName: "exact|N"
        )
    ) var total: String?
    @Argument(help: "The query (several words are joined with spaces).") var query: [String]

    func validate() throws {
        if query.isEmpty { throw ValidationError("give a query, e.g. sou search 大同") }
        if limit < 0 || offset < 0 { throw ValidationError("--limit and --offset must not be negative") }
        if let total, total != "exact", (Int(total) ?? -1) < 0 {
            throw ValidationError("--total takes 'exact' or a count ≥ 0, not '\(total)'")
        }
    }

    func run() throws {
        // "title body" would become `fields=title` and a query starting with "body".
        if let fields { try RequestWords.checkFields(fields) }
        let connection = try global.connect()
        var line = "SEARCH limit=\(limit) offset=\(offset) snippet=\(noSnippet ? "off" : "on")"
        line += " hl=\(Colour.openMarker),\(Colour.closeMarker)"
        if let fields { line += " fields=\(fields)" }
        if let total { line += " total=\(total)" }
        // A query is whitespace-separated: newlines (e.g. from "$(cat file)") are spaces.
        line += " -- " + String(query.joined(separator: " ").map { $0.isNewline ? " " : $0 })
        let reply = try Reply.check(try Reply.call(connection, line))
        let total = reply["total"] as? Int ?? 0
        let exact = reply["total_exact"] as? Bool ?? true
        let hits = reply["hits"] as? [[String: Any]] ?? []
        if global.json {
            let plain: [[String: Any]] = hits.map { hit in
                var out = hit
                if let snippet = hit["snippet"] as? String { out["snippet"] = Colour.highlight(snippet, colour: false) }
                return out
            }
            printJSON(["total": total, "total_exact": exact, "hits": plain] as [String: Any])
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
            printError("\(Self.grouped(total))\(exact ? "" : "+") matching documents (\(shown))")
        }
        if total == 0 && exact { throw CLIFailure.notFound("") }
    }

    /// `12345` as `12,345`.
    static func grouped(_ number: Int) -> String {
        var digits = String(number.magnitude)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(digits.suffix(3), at: 0)
            digits.removeLast(3)
        }
        groups.insert(Substring(digits), at: 0)
        return (number < 0 ? "-" : "") + groups.joined(separator: ",")
    }
}
