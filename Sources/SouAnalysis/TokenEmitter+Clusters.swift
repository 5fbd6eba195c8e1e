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
        let normalized = NormalizedText(String(decoding: UnsafeBufferPointer(rebasing: bytes[stretch]), as: UTF8.self))
        var cursor = NormalizedText.Cursor()
        var offset = 0
        for character in normalized.text {
            let length = character.utf8.count
            let normalizedRange = offset..<(offset + length)
            offset += length
            let scriptClass = ScriptClass.of(character)
            if scriptClass == .separator {
                try separator(body)
                continue
            }
            let (pieces, spansPieces) = cursor.originalRange(of: normalizedRange, in: normalized)
            let range = (base + pieces.lowerBound)..<(base + pieces.upperBound)
            // As in Segmenter: a character assembled from several pieces is normalized once more.
            var term = spansPieces ? Normalizer.icuNormalize(character) : String(character)
            try term.withUTF8 { term in
                if scriptClass == .cjk {
                    try cjkCharacter(term, range, body)
                } else {
                    try wordCharacter(term, range, body)
                }
            }
        }
    }
}
