/// The code after `ERR` in a failed reply (docs/PROTOCOL.md, "Error codes").
///
/// Every code except `busy` and `shuttingDown` leaves the connection open.
public enum ErrorCode: String, Sendable, CaseIterable {
    /// A command's arguments are wrong; the message carries the usage line.
    case syntax = "SYNTAX"
    /// The first word is not a command.
    case unknownCommand = "UNKNOWN_COMMAND"
    /// The line is not valid UTF-8.
    case badUTF8 = "BAD_UTF8"
    /// The line is longer than the daemon's maximum line length; it was discarded.
    case lineTooLong = "LINE_TOO_LONG"
    /// A document is larger than the daemon's maximum document size.
    case documentTooLarge = "DOC_TOO_LARGE"
    /// A document is not a JSON object of strings with a valid `id`.
    case badDocument = "BAD_DOCUMENT"
    /// The query does not parse; the message says where.
    case badQuery = "BAD_QUERY"
    /// A limit was exceeded (results, query terms).
    case limit = "LIMIT"
    /// The query ran past the daemon's query timeout.
    case timeout = "TIMEOUT"
    /// No document with that id.
    case notFound = "NOT_FOUND"
    /// No index with that name.
    case noIndex = "NO_INDEX"
    /// An index with that name already exists.
    case indexExists = "INDEX_EXISTS"
    /// An index name that does not match `[a-z0-9][a-z0-9_-]{0,63}`.
    case badName = "BAD_NAME"
    /// The peer's uid may not run write commands.
    case forbidden = "FORBIDDEN"
    /// Too many connections; the daemon closes this one.
    case busy = "BUSY"
    /// The daemon is shutting down; the connection is closed.
    case shuttingDown = "SHUTTING_DOWN"
    /// A read, write or fsync failed on the server; the write was not applied.
    case io = "IO"
    /// A data file is corrupt.
    case corrupt = "CORRUPT"
    /// Anything else; the message says what.
    case internalError = "INTERNAL"
}

/// A request that cannot be run, with the code and message of its `ERR` reply.
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reply's code.
    public var code: ErrorCode
    /// The reply's message (one line).
    public var message: String

    /// - Parameters:
    ///   - code: the reply's code.
    ///   - message: what went wrong and, for syntax errors, the usage line.
    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue) \(message)" }
}
