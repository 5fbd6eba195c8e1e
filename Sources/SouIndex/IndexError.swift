import SouFormat

/// Everything that can go wrong with an index or its data directory.
///
/// Each case carries what an operator needs to act (a path, a name, the file that is
/// corrupt). `SouServer` maps each case to a protocol error code in one place.
public enum IndexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process (or another `IndexCatalog` in this one) holds the data directory's lock.
    case locked(path: String)
    /// An index name that does not match `[a-z0-9][a-z0-9_-]{0,63}`.
    case invalidName(String)
    /// An index with this name already exists.
    case exists(String)
    /// No index with this name.
    case notFound(String)
    /// A document that breaks the data model (empty id, bad field name, …).
    case invalidDocument(String)
    /// Index settings that cannot be used (a boost out of range or for a bad field name).
    case invalidSettings(String)
    /// A failed read, write, fsync or rename; the write that hit it was not applied.
    case io(String)
    /// A file whose checksum, magic or structure is wrong; the message names the file.
    case corrupt(String)
    /// The index or catalog was closed (or dropped).
    case closed(String)

    public var description: String {
        switch self {
        case .locked(let path): return "data directory is locked by another process: \(path)"
        case .invalidName(let name): return "invalid index name '\(name)': use [a-z0-9][a-z0-9_-]{0,63}"
        case .exists(let name): return "index '\(name)' already exists"
        case .notFound(let name): return "no index named '\(name)'"
        case .invalidDocument(let reason): return "invalid document: \(reason)"
        case .invalidSettings(let reason): return "invalid index settings: \(reason)"
        case .io(let message): return "I/O error: \(message)"
        case .corrupt(let message): return "corrupt: \(message)"
        case .closed(let name): return "index '\(name)' is closed"
        }
    }

    /// Maps a `FormatError` from the format layer: I/O stays I/O, everything else is corruption.
    public init(_ error: FormatError) {
        switch error {
        case .io: self = .io(error.description)
        default: self = .corrupt(error.description)
        }
    }

    /// Maps any error thrown below this layer to an `IndexError`.
    static func wrap(_ error: any Error) -> IndexError {
        if let error = error as? IndexError { return error }
        if let error = error as? FormatError { return IndexError(error) }
        return .io(String(describing: error))
    }
}
