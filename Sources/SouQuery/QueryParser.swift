import SouAnalysis

/// Parses query strings into ``Query`` ASTs. Grammar, precedence and errors: docs/QUERY_LANGUAGE.md.
///
/// Whitespace-separated clauses are ANDed; `OR` binds tighter than `AND` (`a b OR c` = `a AND (b OR c)`);
/// `NOT x` / `-x` negate; parentheses group; `"…"` is a phrase; `word*` a prefix; `field:` applies to
/// the clause or group after it. Words that analyze to nothing (punctuation only) are dropped.
public struct QueryParser: Sendable {
    /// Maximum input length in UTF-8 bytes.
    public let maxLength: Int
    /// Maximum number of term, phrase and prefix clauses.
    public let maxClauses: Int
    /// Maximum parenthesis nesting.
    public let maxDepth: Int

    /// Creates a parser with the given limits.
    public init(maxLength: Int = 4096, maxClauses: Int = 256, maxDepth: Int = 32) {
        self.maxLength = maxLength
        self.maxClauses = maxClauses
        self.maxDepth = maxDepth
    }

    /// Parses a query string.
    /// - Parameter input: the query as typed.
    /// - Returns: the AST, flattened (no nested `.and` in `.and`, `.or` in `.or`, no single-child groups).
    /// - Throws: ``QueryError``; never traps on any input.
    public func parse(_ input: String) throws(QueryError) -> Query {
        guard input.utf8.count <= maxLength else { throw .tooLong(limit: maxLength) }
        let lexemes = try QueryLexer.lex(Array(input))
        var state = ParseState(lexemes: lexemes, parser: self)
        let node = try state.parseAnd(depth: 0, field: nil)
        if let extra = state.peek {
            // parseAnd stops only at the end or at a ')' it does not own.
            throw .syntax(message: "stray ')'", offset: extra.offset)
        }
        guard let node else { throw .empty }
        guard !node.negative else { throw .onlyNegative }
        return node.query
    }
}

/// A parsed clause and whether it only excludes (a `.not`, or an `.and` of `.not`s).
private struct Node {
    var query: Query
    var negative: Bool
    var offset: Int
}

private struct ParseState {
    let lexemes: [QueryLexeme]
    let parser: QueryParser
    var index = 0
    var clauses = 0
    let analyzer = Analyzer()

    var peek: QueryLexeme? { index < lexemes.count ? lexemes[index] : nil }

    /// Whether the next lexeme cannot start an operand (end, `)`, `AND`, `OR`).
    var atOperandEnd: Bool {
        guard let kind = peek?.kind else { return true }
        return kind == .closeParen || kind == .and || kind == .or
    }

    /// andExpr := orExpr ( [AND] orExpr )*   — stops before ')' or at the end.
    mutating func parseAnd(depth: Int, field: String?) throws(QueryError) -> Node? {
        var children: [Node] = []
        var hadOperand = false
        let startOffset = peek?.offset ?? 0
        while let lexeme = peek, lexeme.kind != .closeParen {
            switch lexeme.kind {
            case .and:
                guard hadOperand else { throw .syntax(message: "AND without left operand", offset: lexeme.offset) }
                index += 1
                guard !atOperandEnd else {
                    throw .syntax(message: "AND without right operand", offset: lexeme.offset)
                }
            case .or:
                throw .syntax(message: "OR without left operand", offset: lexeme.offset)
            default:
                hadOperand = true
                if let node = try parseOr(depth: depth, field: field) { children.append(node) }
            }
        }
        guard !children.isEmpty else { return nil }
        if children.count == 1 { return children[0] }
        var flat: [Query] = []
        for child in children {
            if case .and(let grandchildren) = child.query { flat += grandchildren } else { flat.append(child.query) }
        }
        return Node(query: .and(flat), negative: children.allSatisfy(\.negative), offset: startOffset)
    }

    /// orExpr := unary ( OR unary )*
    mutating func parseOr(depth: Int, field: String?) throws(QueryError) -> Node? {
        var items: [Node] = []
        var operands = 1
        if let first = try parseUnary(depth: depth, field: field) { items.append(first) }
        while let lexeme = peek, lexeme.kind == .or {
            index += 1
            guard !atOperandEnd else { throw .syntax(message: "OR without right operand", offset: lexeme.offset) }
            operands += 1
            if let next = try parseUnary(depth: depth, field: field) { items.append(next) }
        }
        if operands > 1, let negative = items.first(where: \.negative) {
            throw .syntax(message: "negation cannot be an OR operand", offset: negative.offset)
        }
        guard !items.isEmpty else { return nil }
        if items.count == 1 { return items[0] }
        var flat: [Query] = []
        for item in items {
            if case .or(let grandchildren) = item.query { flat += grandchildren } else { flat.append(item.query) }
        }
        return Node(query: .or(flat), negative: false, offset: items[0].offset)
    }

    /// unary := (NOT | '-') primary | primary
    mutating func parseUnary(depth: Int, field: String?) throws(QueryError) -> Node? {
        guard let lexeme = peek, lexeme.kind == .not || lexeme.kind == .minus else {
            return try parsePrimary(depth: depth, field: field)
        }
        let name = lexeme.kind == .not ? "NOT" : "'-'"
        index += 1
        guard !atOperandEnd else { throw .syntax(message: "\(name) without operand", offset: lexeme.offset) }
        if let next = peek?.kind, next == .not || next == .minus {
            throw .syntax(message: "double negation", offset: lexeme.offset)
        }
        guard let inner = try parsePrimary(depth: depth, field: field) else { return nil }
        guard !inner.negative else { throw .syntax(message: "double negation", offset: lexeme.offset) }
        return Node(query: .not(inner.query), negative: true, offset: lexeme.offset)
    }

    /// primary := '(' andExpr ')' | field ':' primary | PHRASE | PREFIX | WORD
    mutating func parsePrimary(depth: Int, field: String?) throws(QueryError) -> Node? {
        guard let lexeme = peek else { return nil }  // unreachable: callers check atOperandEnd
        index += 1
        switch lexeme.kind {
        case .openParen:
            guard depth < parser.maxDepth else { throw .tooDeep(limit: parser.maxDepth) }
            if peek?.kind == .closeParen { throw .syntax(message: "empty parentheses", offset: lexeme.offset) }
            let inner = try parseAnd(depth: depth + 1, field: field)
            guard peek?.kind == .closeParen else {
                throw .syntax(message: "unclosed parenthesis", offset: lexeme.offset)
            }
            index += 1
            return inner
        case .field(let name):
            guard field == nil else {
                throw .syntax(message: "field inside field '\(field ?? "")'", offset: lexeme.offset)
            }
            guard let next = peek?.kind, next != .closeParen, next != .and, next != .or, next != .not, next != .minus
            else { throw .syntax(message: "missing term after '\(name):'", offset: lexeme.offset) }
            return try parsePrimary(depth: depth, field: name)
        case .word(let text):
            return try leaf(.term(field: field, text: text), text: text, offset: lexeme.offset)
        case .prefix(let text):
            return try leaf(.prefix(field: field, text: text), text: text, offset: lexeme.offset)
        case .phrase(let text):
            guard !analyzer.querySlots(text).isEmpty else {
                throw .syntax(message: "empty phrase", offset: lexeme.offset)
            }
            return try leaf(.phrase(field: field, text: text), text: text, offset: lexeme.offset)
        case .closeParen, .and, .or, .not, .minus:
            // Callers never hand these to parsePrimary; report rather than trap.
            throw .syntax(message: "unexpected operator", offset: lexeme.offset)
        }
    }

    /// A term, phrase or prefix; `nil` when its text has nothing searchable (e.g. only punctuation).
    mutating func leaf(_ query: Query, text: String, offset: Int) throws(QueryError) -> Node? {
        guard !analyzer.querySlots(text).isEmpty else { return nil }
        clauses += 1
        guard clauses <= parser.maxClauses else { throw .tooManyClauses(limit: parser.maxClauses) }
        return Node(query: query, negative: false, offset: offset)
    }
}
