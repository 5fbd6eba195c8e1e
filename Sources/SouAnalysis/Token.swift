/// The kind of an index-time token.
public enum TokenKind: UInt8, Sendable {
    /// A maximal run of letters/digits outside the CJK class (Latin, Greek, Cyrillic, digits, …).
    case word
    /// Two adjacent characters of a CJK run, emitted at the first character's position.
    case cjkBigram
    /// The last character of a CJK run, emitted at its own position.
    case cjkUnigram
}

/// One token of a field value, produced by ``Analyzer/tokens(_:)``.
public struct Token: Sendable, Equatable {
    /// Normalized text of the token (the index term, without the field number).
    public var term: String
    /// Position within the field. Words take one position, every CJK character takes one.
    public var position: Int
    /// What produced the token.
    public var kind: TokenKind
    /// UTF-8 byte offsets into the original (un-normalized) input covering the token's source
    /// characters, for snippets and highlighting.
    public var range: Range<Int>

    /// Creates a token.
    public init(term: String, position: Int, kind: TokenKind, range: Range<Int>) {
        self.term = term
        self.position = position
        self.kind = kind
        self.range = range
    }
}
