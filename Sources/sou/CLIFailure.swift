/// Why a subcommand failed, with its exit code (README, "Exit codes").
enum CLIFailure: Error {
    /// A bad argument found after parsing (e.g. a newline in an id): exit 2.
    case usage(String)
    /// No results or no such document: exit 1.
    case notFound(String)
    /// The daemon cannot be reached: exit 3.
    case unreachable(String)
    /// The daemon answered ERR: exit 4.
    case server(String)
    /// `sou check` found problems (the report says which): exit 1.
    case checkFailed

    var exitCode: Int32 {
        switch self {
        case .usage: return 2
        case .notFound, .checkFailed: return 1
        case .unreachable: return 3
        case .server: return 4
        }
    }

    var message: String {
        switch self {
        case .usage(let message), .notFound(let message), .server(let message): return message
        case .unreachable(let message): return message + " (is soud running? start it with: soud --socket PATH)"
        case .checkFailed: return ""
        }
    }
}
