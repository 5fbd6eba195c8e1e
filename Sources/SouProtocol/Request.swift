/// One parsed request line (docs/PROTOCOL.md lists each command).
public enum Request: Sendable, Equatable {
    /// `PING` → `OK PONG`.
    case ping
    /// `VERSION` → `OK sou <version> protocol <n>`.
    case version
    /// `HELP [command]`.
    case help(String?)
    /// `QUIT`: reply `OK bye`, then close.
    case quit
    /// `JSON ON|OFF`: switch this connection's reply format.
    case json(Bool)
    /// `SEARCH [key=value…] query`.
    case search(SearchParameters)
    /// `COUNT query`.
    case count(String)
    /// `GET id`.
    case get(String)
    /// `ADD {json}` or `UPSERT {json}` (both replace a document with the same id).
    case add(ProtocolDocument)
    /// `DELETE id [id…]`.
    case delete([String])
    /// `COMMIT`: make every acknowledged write searchable now.
    case commit
    /// `STATS`.
    case stats
    /// `VERIFY`: verify every checksum of the index now.
    case verify
    /// `EXPORT`: every live document of the last refresh, as `DOC {json}` lines.
    case export
    /// `USE index`.
    case use(String)
    /// `INDEXES`.
    case indexes
    /// `CREATE index [field=boost…]`.
    case create(String, boosts: [String: Float])
    /// `DROP index`.
    case drop(String)

    /// Whether the command changes data (and so is subject to the uid allowlist).
    public var isWrite: Bool {
        switch self {
        case .add, .delete, .commit, .create, .drop: return true
        default: return false
        }
    }
}
