/// Why a query string was rejected by ``QueryParser``.
public enum QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Malformed input; `offset` is the character (grapheme cluster) offset where it went wrong.
    case syntax(message: String, offset: Int)
    /// Nothing to search for (blank input, or only punctuation).
    case empty
    /// The input is longer than `limit` UTF-8 bytes.
    case tooLong(limit: Int)
    /// More than `limit` terms, phrases and prefixes.
    case tooManyClauses(limit: Int)
    /// Parentheses nested deeper than `limit`.
    case tooDeep(limit: Int)
    /// Every clause is negated (e.g. `-foo` alone), so nothing could be selected.
    case onlyNegative

    /// A one-line message, e.g. `unclosed quote at 7`.
    public var description: String {
        switch self {
        case .syntax(let message, let offset): "\(message) at \(offset)"
        case .empty: "empty query"
        case .tooLong(let limit): "query longer than \(limit) bytes"
        case .tooManyClauses(let limit): "query has more than \(limit) clauses"
        case .tooDeep(let limit): "query nested deeper than \(limit) levels"
        case .onlyNegative: "query has only negative clauses"
        }
    }
}
