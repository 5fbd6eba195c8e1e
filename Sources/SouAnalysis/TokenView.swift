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
