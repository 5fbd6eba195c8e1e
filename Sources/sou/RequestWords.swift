import SouProtocol

/// Checks user input that `sou` places in a request line as one word (an id, an index name,
/// a field list), before connecting: a request line has no quoting, so a space, tab or
/// newline inside such a value would split it into other words or requests
/// (`sou delete "a b"` deleting a and b). A refused value is a usage error (exit status 2).
enum RequestWords {
    /// A document id: the protocol's own id rules (`ProtocolDocument.validate(id:)`).
    static func checkID(_ id: String) throws {
        if let problem = newlineProblem(id) ?? ProtocolDocument.validate(id: id) {
            throw CLIFailure.usage("bad id '\(shown(id))': \(problem)")
        }
    }

    /// An index name (`--index`): one word; the daemon checks the rest (`BAD_NAME`, `NO_INDEX`).
    static func checkIndexName(_ name: String) throws {
        if let problem = newlineProblem(name) ?? wordProblem(name) {
            throw CLIFailure.usage("bad index name '\(shown(name))': \(problem)")
        }
    }

    /// A `--fields` list: `*` or field names separated by commas, each one word without `=`.
    static func checkFields(_ list: String) throws {
        if let problem = newlineProblem(list) ?? wordProblem(list) {
            throw CLIFailure.usage("bad --fields '\(shown(list))': \(problem)")
        }
        for name in list.split(separator: ",", omittingEmptySubsequences: false) {
            if name.isEmpty {
                throw CLIFailure.usage("bad --fields '\(shown(list))': an empty field name; use name,name… or *")
            }
            if name.contains("=") {
                throw CLIFailure.usage("bad --fields '\(shown(list))': a field name cannot contain '='")
            }
        }
    }

    static func newlineProblem(_ value: String) -> String? {
        value.unicodeScalars.contains { $0 == "\n" || $0 == "\r" } ? "it must not contain a newline" : nil
    }

    /// Why `value` is not one protocol word: empty, whitespace or control characters.
    static func wordProblem(_ value: String) -> String? {
        if value.isEmpty { return "it must not be empty" }
        for scalar in value.unicodeScalars where isWhitespaceOrControl(scalar) {
            return "it must not contain whitespace or control characters"
        }
        return nil
    }

    static func isWhitespaceOrControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
    }

    /// `value` with whitespace and control characters escaped (`\t`, `\u{3000}`), so the
    /// message shows what was wrong.
    static func shown(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " ": out += " "
            default:
                if isWhitespaceOrControl(scalar) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
