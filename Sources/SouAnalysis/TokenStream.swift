/// One token as ``TokenStream`` hands it out: the term's normalized UTF-8 bytes, valid only
/// inside the callback, plus what ``Token`` carries.
public struct TokenView {
    /// The normalized term (the index term without the field number); valid during the callback only.
    public let term: UnsafeBufferPointer<UInt8>
    /// Position within the field.
    public let position: Int
    /// What produced the token.
    public let kind: TokenKind
    /// UTF-8 byte offsets of the token's source characters in the original text.
    public let range: Range<Int>
}

/// Index-time analysis without a `String` per token: the same tokens as ``Analyzer/tokens(_:)``,
/// in the same order, handed to a callback as byte views. Keep one stream per thread and reuse
/// it, so that its buffers are allocated once.
public struct TokenStream {
    private var bytes: [UInt8] = []

    /// Creates a stream with empty buffers.
    public init() {}

    /// Analyzes `text` and calls `body` for each token, in position order.
    /// - Returns: the field length in positions (the last position + 1, or 0).
    @discardableResult
    public mutating func forEachToken(
        in text: String,
        _ body: (TokenView) throws -> Void
    ) rethrows -> Int {
        var length = 0
        for token in Analyzer().tokens(text) {
            bytes.removeAll(keepingCapacity: true)
            bytes.append(contentsOf: token.term.utf8)
            try bytes.withUnsafeBufferPointer { term in
                try body(TokenView(term: term, position: token.position, kind: token.kind, range: token.range))
            }
            length = token.position + 1
        }
        return length
    }
}
