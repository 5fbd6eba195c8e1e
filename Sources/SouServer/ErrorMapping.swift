import SouIndex
import SouProtocol
import SouQuery

/// The one place engine errors become protocol error codes.
public enum ErrorMapping {
    /// The `ERR` code and message for `error`.
    public static func protocolError(for error: any Error) -> ProtocolError {
        switch error {
        case let error as ProtocolError:
            return error
        case let error as IndexError:
            switch error {
            case .locked, .closed: return ProtocolError(.shuttingDown, error.description)
            case .invalidName: return ProtocolError(.badName, error.description)
            case .exists: return ProtocolError(.indexExists, error.description)
            case .notFound: return ProtocolError(.noIndex, error.description)
            case .invalidDocument: return ProtocolError(.badDocument, error.description)
            case .invalidSettings: return ProtocolError(.syntax, error.description)
            case .io: return ProtocolError(.io, error.description)
            case .corrupt: return ProtocolError(.corrupt, error.description)
            }
        case let error as QueryError:
            switch error {
            case .tooLong, .tooManyClauses, .tooDeep: return ProtocolError(.limit, error.description)
            default: return ProtocolError(.badQuery, error.description)
            }
        case let error as SearchError:
            switch error {
            case .timeout: return ProtocolError(.timeout, "query ran longer than the query timeout")
            case .tooManyTerms: return ProtocolError(.limit, error.description)
            case .corrupt: return ProtocolError(.corrupt, error.description)
            case .io: return ProtocolError(.io, error.description)
            }
        case is CancellationError:
            return ProtocolError(.shuttingDown, "request cancelled")
        default:
            return ProtocolError(.internalError, String(describing: error))
        }
    }
}
