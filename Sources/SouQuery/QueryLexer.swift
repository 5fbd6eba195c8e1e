/// One lexeme of a query string with its character offset.
struct QueryLexeme: Equatable {
    enum Kind: Equatable {
        case word(String)
        case phrase(String)
        case prefix(String)
        case field(String)
        case openParen, closeParen
        case and, or, not, minus
    }
    var kind: Kind
    var offset: Int
}

/// Splits a query string into lexemes. See docs/QUERY_LANGUAGE.md for the rules.
struct QueryLexer {
    static let quotes: Set<Character> = ["\"", "＂", "“", "”"]
    static let openParens: Set<Character> = ["(", "（"]
    static let closeParens: Set<Character> = [")", "）"]

    /// Lexes `input`.
    /// - Throws: `QueryError.syntax` for an unclosed or empty quote, a bad field name, a field
    ///   without a term, or a lone `*`.
    static func lex(_ input: [Character]) throws(QueryError) -> [QueryLexeme] {
        var out: [QueryLexeme] = []
        var i = 0
        while i < input.count {
            let c = input[i]
            if c.isWhitespace {
                i += 1
            } else if openParens.contains(c) {
                out.append(QueryLexeme(kind: .openParen, offset: i))
                i += 1
            } else if closeParens.contains(c) {
                out.append(QueryLexeme(kind: .closeParen, offset: i))
                i += 1
            } else if quotes.contains(c) {
                var end = i + 1
                while end < input.count && !quotes.contains(input[end]) { end += 1 }
                guard end < input.count else { throw .syntax(message: "unclosed quote", offset: i) }
                let text = String(input[(i + 1)..<end])
                guard text.contains(where: { !$0.isWhitespace }) else {
                    throw .syntax(message: "empty phrase", offset: i)
                }
                out.append(QueryLexeme(kind: .phrase(text), offset: i))
                i = end + 1
            } else if c == "-", startsClause(input, i), i + 1 < input.count, !input[i + 1].isWhitespace,
                !closeParens.contains(input[i + 1])
            {
                out.append(QueryLexeme(kind: .minus, offset: i))
                i += 1
            } else {
                i = try lexWord(input, from: i, into: &out)
            }
        }
        return out
    }

    /// Whether position `i` begins a clause: start of input, after whitespace or an open paren.
    private static func startsClause(_ input: [Character], _ i: Int) -> Bool {
        i == 0 || input[i - 1].isWhitespace || openParens.contains(input[i - 1])
    }

    private static func isWordEnd(_ c: Character) -> Bool {
        c.isWhitespace || openParens.contains(c) || closeParens.contains(c) || quotes.contains(c)
    }

    /// Lexes a word, a keyword, a `field:` prefix or a `prefix*` starting at `start`.
    /// - Returns: the index after what was consumed.
    private static func lexWord(
        _ input: [Character],
        from start: Int,
        into out: inout [QueryLexeme]
    ) throws(QueryError) -> Int {
        var end = start
        var identifierLike = true  // [A-Za-z0-9_]* so far
        while end < input.count && !isWordEnd(input[end]) {
            let c = input[end]
            if c == ":" && end > start && identifierLike && (input[start].isLetter || input[start] == "_") {
                let name = String(input[start..<end])
                guard isFieldName(name) else {
                    throw .syntax(message: "bad field name '\(name)' (use [a-z][a-z0-9_]*)", offset: start)
                }
                guard end + 1 < input.count, !input[end + 1].isWhitespace, !closeParens.contains(input[end + 1])
                else { throw .syntax(message: "missing term after '\(name):'", offset: start) }
                out.append(QueryLexeme(kind: .field(name), offset: start))
                return end + 1
            }
            if !(c.isASCII && (c.isLetter || c.isNumber || c == "_")) { identifierLike = false }
            end += 1
        }
        let word = String(input[start..<end])
        switch word {
        case "AND": out.append(QueryLexeme(kind: .and, offset: start))
        case "OR": out.append(QueryLexeme(kind: .or, offset: start))
        case "NOT": out.append(QueryLexeme(kind: .not, offset: start))
        default:
            if word.hasSuffix("*") {
                let stem = String(word.reversed().drop(while: { $0 == "*" }).reversed())
                guard !stem.isEmpty else { throw .syntax(message: "'*' alone", offset: start) }
                out.append(QueryLexeme(kind: .prefix(stem), offset: start))
            } else {
                out.append(QueryLexeme(kind: .word(word), offset: start))
            }
        }
        return end
    }

    /// `[a-z][a-z0-9_]*`
    static func isFieldName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first >= 0x61 && first <= 0x7A else { return false }
        return name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }
}
