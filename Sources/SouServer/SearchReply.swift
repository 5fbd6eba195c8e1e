import SouProtocol

/// Builds the `SEARCH` response (docs/PROTOCOL.md, "SEARCH").
///
/// Text: per hit `HIT <id> <score>`, then `SNIPPET <text>` when asked for, then one
/// `FIELD <name> <json-string>` per returned field; final `OK hits=<n> total=<N> took=<ms>ms`,
/// `total=<N>+` when more than N documents match (a lower bound).
/// JSON: `{"ok":true,"message":…,"total":N,"total_exact":true|false,"hits":[{"id","score","snippet","fields"}],"took_ms":…}`.
enum SearchReply {
    /// - Parameter json: the connection's format; only that representation is built.
    static func response(
        _ outcome: SearchOutcome,
        parameters: SearchParameters,
        took: Duration,
        json: Bool
    )
        -> Response
    {
        var lines: [String] = []
        var hits: [JSONValue] = []
        for hit in outcome.hits {
            let score = formatScore(hit.score)
            if !json {
                lines.append("HIT \(hit.id) \(score)")
                if let snippet = hit.snippet { lines.append("SNIPPET " + Response.oneLine(snippet)) }
                for field in hit.fields { lines.append("FIELD \(field.name) \(JSONValue.quoted(field.value))") }
                continue
            }
            var members: [(String, JSONValue)] = [("id", .string(hit.id)), ("score", .double(Double(score) ?? 0))]
            if let snippet = hit.snippet { members.append(("snippet", .string(snippet))) }
            if !hit.fields.isEmpty {
                members.append(("fields", .object(hit.fields.map { ($0.name, JSONValue.string($0.value)) })))
            }
            hits.append(.object(members))
        }
        let milliseconds = Double(took.components.seconds) * 1000 + Double(took.components.attoseconds) / 1e15
        let tookText = String(format3(milliseconds))
        let total = "\(outcome.total)\(outcome.totalIsExact ? "" : "+")"
        return .ok(
            "hits=\(outcome.hits.count) total=\(total) took=\(tookText)ms",
            lines: lines,
            fields: [
                ("total", .int(outcome.total)), ("total_exact", .bool(outcome.totalIsExact)), ("hits", .array(hits)),
                ("took_ms", .double(milliseconds)),
            ]
        )
    }

    /// Four decimals, enough to order hits and stable in transcripts.
    static func formatScore(_ score: Float) -> String {
        let scaled = (Double(score) * 10_000).rounded()
        guard scaled.isFinite else { return "0" }
        // Saturate: `Int(_:)` traps beyond Int.max (a huge boost must not crash the daemon).
        let value = Int(max(-9e18, min(9e18, scaled)))
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        let fraction = String(magnitude % 10_000)
        return "\(sign)\(magnitude / 10_000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
    }

    static func format3(_ value: Double) -> String {
        let scaled = Int((value * 1000).rounded())
        let fraction = String(scaled % 1000)
        return "\(scaled / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
