/// Turns one request line into a `Request`, or the `ProtocolError` its `ERR` reply carries.
///
/// A line is UTF-8 without its terminating `\n`; one trailing `\r` is dropped. The first
/// word is the command (any case); the rest is its arguments. Pure and allocation-light:
/// the daemon calls it off the event loop, once per line.
public struct RequestParser: Sendable {
    /// Limits the parser enforces itself.
    public struct Limits: Sendable {
        /// The largest JSON document an `ADD` line may carry, in bytes.
        public var maxDocumentBytes: Int
        /// The largest `limit=` a `SEARCH` may ask for.
        public var maxResults: Int

        /// - Parameters:
        ///   - maxDocumentBytes: default 1 MiB.
        ///   - maxResults: default 1000.
        public init(maxDocumentBytes: Int = 1 << 20, maxResults: Int = 1000) {
            self.maxDocumentBytes = maxDocumentBytes
            self.maxResults = maxResults
        }
    }

    /// The limits in force.
    public var limits: Limits

    /// - Parameter limits: the limits in force.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Parses one line.
    ///
    /// - Parameter line: the line's bytes without `\n` (a trailing `\r` is allowed).
    /// - Returns: the request.
    /// - Throws: `ProtocolError` (`BAD_UTF8`, `UNKNOWN_COMMAND`, `SYNTAX`, `BAD_DOCUMENT`,
    ///   `DOC_TOO_LARGE`, `LIMIT`).
    public func parse(_ line: some Collection<UInt8>) throws(ProtocolError) -> Request {
        var bytes = Array(line)
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ProtocolError(.badUTF8, "request is not valid UTF-8")
        }
        // Words are split on scalars: a space followed by a combining mark is one Character,
        // yet still a separator.
        let trimmed = text.unicodeScalars.drop(while: Self.isBlank)
        let commandEnd = trimmed.firstIndex(where: Self.isBlank) ?? trimmed.endIndex
        let command = String(Substring(trimmed[..<commandEnd])).uppercased()
        let rest = String(Substring(trimmed[commandEnd...].drop(while: Self.isBlank)))
        // Split only when a command needs words: an ADD line is one large JSON argument.
        var arguments: [String] {
            rest.unicodeScalars.split(whereSeparator: Self.isBlank).map { String(Substring($0)) }
        }

        switch command {
        case "": throw ProtocolError(.syntax, "empty request; try HELP")
        case "PING":
            try expectNone(arguments, command)
            return .ping
        case "VERSION":
            try expectNone(arguments, command)
            return .version
        case "QUIT":
            try expectNone(arguments, command)
            return .quit
        case "COMMIT":
            try expectNone(arguments, command)
            return .commit
        case "STATS":
            try expectNone(arguments, command)
            return .stats
        case "VERIFY":
            try expectNone(arguments, command)
            return .verify
        case "EXPORT":
            try expectNone(arguments, command)
            return .export
        case "INDEXES":
            try expectNone(arguments, command)
            return .indexes
        case "HELP":
            guard arguments.count <= 1 else { throw syntax(command) }
            return .help(arguments.first)
        case "JSON":
            guard arguments.count == 1 else { throw syntax(command) }
            switch arguments[0].uppercased() {
            case "ON": return .json(true)
            case "OFF": return .json(false)
            default: throw syntax(command)
            }
        case "SEARCH": return .search(try parseSearch(rest))
        case "COUNT":
            guard !rest.isEmpty else { throw syntax(command) }
            return .count(rest)
        case "GET":
            guard arguments.count == 1 else { throw syntax(command) }
            return .get(arguments[0])
        case "ADD", "UPSERT":
            guard !rest.isEmpty else { throw syntax(command) }
            let json = Array(rest.utf8)
            guard json.count <= limits.maxDocumentBytes else {
                throw ProtocolError(
                    .documentTooLarge,
                    "document is \(json.count) bytes; the limit is \(limits.maxDocumentBytes)"
                )
            }
            return .add(try ProtocolDocument.parse(json: json))
        case "DELETE":
            guard !arguments.isEmpty else { throw syntax(command) }
            return .delete(arguments)
        case "USE":
            guard arguments.count == 1 else { throw syntax(command) }
            return .use(arguments[0])
        case "DROP":
            guard arguments.count == 1 else { throw syntax(command) }
            return .drop(arguments[0])
        case "CREATE":
            guard let name = arguments.first else { throw syntax(command) }
            var boosts: [String: Float] = [:]
            for pair in arguments.dropFirst() {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, let boost = Float(parts[1]), boost.isFinite, boost >= 0
                else { throw ProtocolError(.syntax, "bad boost '\(pair)'; \(CommandHelp.usage(command))") }
                boosts[String(parts[0])] = boost
            }
            return .create(name, boosts: boosts)
        default:
            let shown = Self.printable(command.count > 40 ? String(command.prefix(40)) + "…" : command)
            throw ProtocolError(.unknownCommand, "unknown command '\(shown)'; try HELP")
        }
    }

    /// Space and tab separate words.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }

    /// Parses `[key=value…] [--] query` after `SEARCH`.
    func parseSearch(_ rest: String) throws(ProtocolError) -> SearchParameters {
        var parameters = SearchParameters(query: "")
        var remainder = Substring(rest).unicodeScalars
        while true {
            remainder = remainder.drop(while: Self.isBlank)
            let end = remainder.firstIndex(where: Self.isBlank) ?? remainder.endIndex
            let token = Substring(remainder[..<end])
            if token == "--" {
                remainder = remainder[end...]
                break
            }
            guard let equals = token.firstIndex(of: "=") else { break }
            let key = token[..<equals].lowercased()
            let value = String(token[token.index(after: equals)...])
            switch key {
            case "limit":
                guard let n = Int(value), n >= 0 else { throw badOption(token) }
                guard n <= limits.maxResults else {
                    throw ProtocolError(.limit, "limit=\(n) exceeds the maximum of \(limits.maxResults) results")
                }
                parameters.limit = n
            case "offset":
                guard let n = Int(value), n >= 0, n <= 1_000_000 else { throw badOption(token) }
                parameters.offset = n
            case "fields":
                parameters.fields = value.split(separator: ",").map(String.init)
            case "snippet", "snippets":
                switch value.lowercased() {
                case "on", "true", "1": parameters.snippets = true
                case "off", "false", "0": parameters.snippets = false
                default: throw badOption(token)
                }
            case "total":
                if value.lowercased() == "exact" {
                    parameters.total = .exact
                } else {
                    guard let n = Int(value), n >= 0 else {
                        throw ProtocolError(
                            .syntax,
                            "bad option '\(Self.printable(String(token)))': total= takes 'exact' or a count ≥ 0; "
                                + CommandHelp.usage("SEARCH")
                        )
                    }
                    parameters.total = .upTo(n)
                }
            case "hl":
                // Exactly one comma: markers cannot contain commas (nor spaces, which end the word).
                let markers = value.split(separator: ",", omittingEmptySubsequences: false)
                guard markers.count == 2 else {
                    throw ProtocolError(
                        .syntax,
                        "bad option '\(Self.printable(String(token)))': hl= takes two markers separated by one comma, "
                            + "and a marker cannot contain a comma or a space; \(CommandHelp.usage("SEARCH"))"
                    )
                }
                parameters.highlightOpen = String(markers[0])
                parameters.highlightClose = String(markers[1])
            default:
                break
            }
            if ["limit", "offset", "fields", "snippet", "snippets", "hl", "total"].contains(key) {
                remainder = remainder[end...]
            } else {
                break
            }
        }
        let query = remainder.drop(while: Self.isBlank)
        guard !query.isEmpty else { throw syntax("SEARCH") }
        parameters.query = String(Substring(query))
        // The default limit obeys max_results too (an explicit one above it is an error).
        parameters.limit = min(parameters.limit, limits.maxResults)
        return parameters
    }

    /// `text` with control characters shown as `\xNN`, so an echo of garbage stays readable.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private func expectNone(_ arguments: [String], _ command: String) throws(ProtocolError) {
        guard arguments.isEmpty else { throw syntax(command) }
    }

    private func syntax(_ command: String) -> ProtocolError {
        ProtocolError(.syntax, CommandHelp.usage(command))
    }

    private func badOption(_ token: Substring) -> ProtocolError {
        ProtocolError(.syntax, "bad option '\(token)'; \(CommandHelp.usage("SEARCH"))")
    }
}
