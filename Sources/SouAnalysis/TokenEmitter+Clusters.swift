extension TokenEmitter {
    /// Analyzes a stretch of text by grapheme cluster, as `Segmenter` does: normalizes each
    /// original `Character` (``NormalizedText``), classifies each `Character` of the normalized
    /// text and feeds it to the pending word or run. The fallback of ``analyze(_:_:)`` for
    /// everything that is not a simple scalar.
    /// - Parameters:
    ///   - bytes: the whole text's UTF-8.
    ///   - stretch: the byte range to analyze; both ends are grapheme cluster boundaries that
    ///     normalization cannot move (see ``analyze(_:_:)``).
    ///   - body: called with each token.
    mutating func analyzeClusters(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ stretch: Range<Int>,
        _ body: (TokenView) throws -> Void
    ) rethrows {
        let base = stretch.lowerBound
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[stretch]), as: UTF8.self)
        try Segmenter.forEachCharacter(text) { scriptClass, term, range in
            let range = (base + range.lowerBound)..<(base + range.upperBound)
            var term = term
            try term.withUTF8 { term in
                switch scriptClass {
                case .separator: try separator(body)
                case .cjk: try cjkCharacter(term, range, body)
                case .word: try wordCharacter(term, range, body)
                }
            }
        }
    }
}
