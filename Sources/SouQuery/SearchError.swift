/// Why a search could not complete (malformed queries throw `QueryError`).
public enum SearchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The query ran past its deadline.
    case timeout
    /// A prefix or a lone CJK character expands to more terms than allowed.
    case tooManyTerms(prefix: String, limit: Int)
    /// An index file turned out to be corrupt while reading it.
    case corrupt(String)

    public var description: String {
        switch self {
        case .timeout: return "query timed out"
        case .tooManyTerms(let prefix, let limit):
            return "'\(prefix)' expands to more than \(limit) terms; make it longer"
        case .corrupt(let detail): return "index data is corrupt: \(detail)"
        }
    }
}
