/// Index-time analysis without a `String` per token: the same tokens as ``Analyzer/tokens(_:)``,
/// in the same order, handed to a callback as byte views. Keep one stream per thread and reuse
/// it, so that its buffers are allocated once.
///
/// Works on the UTF-8 bytes of the text: ASCII, CJK ideographs, kana, Hangul syllables and
/// full-width ASCII go straight from the input bytes to the term buffers; any stretch that needs
/// grapheme clusters or ICU goes through the `Character`-based path (docs/ANALYSIS.md §6).
public struct TokenStream {
    private var emitter = TokenEmitter()

    /// Creates a stream with empty buffers.
    public init() {}

    /// Analyzes `text` and calls `body` for each token, in position order.
    /// - Parameters:
    ///   - text: the original field text.
    ///   - body: called with each token; the view's `term` is valid during the call only.
    /// - Returns: the field length in positions (the last position + 1, or 0).
    /// - Complexity: O(n) in the UTF-8 length of `text`; no allocation per token once the
    ///   buffers have grown, unless the text leaves the fast path.
    @discardableResult
    public mutating func forEachToken(
        in text: String,
        _ body: (TokenView) throws -> Void
    ) rethrows -> Int {
        // Moved out, not copied, so that the buffers stay uniquely referenced while in use.
        var emitter = TokenEmitter()
        swap(&emitter, &self.emitter)
        defer { swap(&emitter, &self.emitter) }
        if let length = try text.utf8.withContiguousStorageIfAvailable({ try emitter.analyze($0, body) }) {
            return length
        }
        var contiguous = text
        contiguous.makeContiguousUTF8()
        return try contiguous.withUTF8 { bytes in try emitter.analyze(bytes, body) }
    }
}
