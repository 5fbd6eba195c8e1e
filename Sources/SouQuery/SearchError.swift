import SouFormat

/// Why a search could not complete (malformed queries throw `QueryError`).
public enum SearchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The query ran past its deadline.
    case timeout
    /// A prefix or a lone CJK character expands to more terms than allowed.
    case tooManyTerms(prefix: String, limit: Int)
    /// An index file turned out to be corrupt while reading it; the message names the file.
    case corrupt(String)
    /// Reading an index file failed; the message names the file and the errno.
    case io(String)

    public var description: String {
        switch self {
        case .timeout: return "query timed out"
        case .tooManyTerms(let prefix, let limit):
            return "'\(prefix)' expands to more than \(limit) terms; make it longer"
        case .corrupt(let message), .io(let message): return message
        }
    }

    /// A format-layer error met while reading: I/O stays I/O, anything else is corruption.
    /// The message is the format error's own (it names the file), so callers above this layer
    /// never see `FormatError`.
    init(_ error: FormatError) {
        switch error {
        case .io: self = .io(error.description)
        default: self = .corrupt(error.description)
        }
    }

    /// Runs `body`, reporting a `FormatError` it throws as a `SearchError`.
    static func reportingFormatErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FormatError {
            throw SearchError(error)
        }
    }
}
