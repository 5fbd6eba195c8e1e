/// The usage line and summary of every command, for `HELP` and `ERR SYNTAX` replies.
public enum CommandHelp {
    /// One command's help.
    public struct Entry: Sendable {
        /// The command word, upper case.
        public let name: String
        /// The exact line, e.g. `GET <id>`.
        public let usage: String
        /// What it does, one line.
        public let summary: String
    }

    /// Every command, in the order `HELP` lists them.
    public static let entries: [Entry] = [
        Entry(name: "PING", usage: "PING", summary: "check the connection; replies OK PONG"),
        Entry(name: "VERSION", usage: "VERSION", summary: "daemon and protocol version"),
        Entry(
            name: "SEARCH",
            usage:
                "SEARCH [limit=N] [offset=N] [fields=a,b|*] [snippet=on|off] [hl=OPEN,CLOSE] [total=exact|N] [--] <query>",
            summary: "ranked hits: HIT <id> <score> lines, each optionally followed by SNIPPET and FIELD lines"
        ),
        Entry(name: "COUNT", usage: "COUNT <query>", summary: "number of matching documents"),
        Entry(name: "GET", usage: "GET <id>", summary: "one stored document as a DOC {json} line"),
        Entry(
            name: "ADD",
            usage: "ADD {\"id\":\"...\",\"title\":\"...\",\"body\":\"...\"}",
            summary: "add or replace a document; OK once durable"
        ),
        Entry(name: "UPSERT", usage: "UPSERT {\"id\":\"...\",...}", summary: "same as ADD"),
        Entry(name: "DELETE", usage: "DELETE <id> [<id>...]", summary: "delete documents by id"),
        Entry(name: "COMMIT", usage: "COMMIT", summary: "make every acknowledged write searchable now"),
        Entry(
            name: "EXPORT",
            usage: "EXPORT",
            summary:
                "every live document of the last refresh as DOC {json} lines, then OK <n> exported (text mode only)"
        ),
        Entry(name: "STATS", usage: "STATS", summary: "STAT <name> <value> lines for the current index and the daemon"),
        Entry(
            name: "VERIFY",
            usage: "VERIFY",
            summary: "verify every checksum of the current index now; ERR CORRUPT takes it out of service"
        ),
        Entry(name: "USE", usage: "USE <index>", summary: "switch this connection to another index"),
        Entry(name: "INDEXES", usage: "INDEXES", summary: "INDEX <name> lines"),
        Entry(
            name: "CREATE",
            usage: "CREATE <index> [<field>=<boost>...]",
            summary: "create an index with optional field boosts"
        ),
        Entry(name: "DROP", usage: "DROP <index>", summary: "delete an index and its files"),
        Entry(
            name: "JSON",
            usage: "JSON ON|OFF",
            summary: "reply with one JSON object per response on this connection"
        ),
        Entry(name: "HELP", usage: "HELP [<command>]", summary: "this list, or one command's usage"),
        Entry(name: "QUIT", usage: "QUIT", summary: "close the connection"),
    ]

    /// The entry for `name` (any case), if it is a command.
    public static func entry(_ name: String) -> Entry? {
        let upper = name.uppercased()
        return entries.first { $0.name == upper }
    }

    /// `usage: <line>` for `name`, for `ERR SYNTAX` messages.
    public static func usage(_ name: String) -> String {
        "usage: " + (entry(name)?.usage ?? name)
    }
}
