/// Splits text into word tokens and CJK runs, after per-character normalization.
///
/// Works on the characters (grapheme clusters) of the normalized text, classified by
/// ``ScriptClass``. Separators end words and runs; a word and a CJK run that touch end each other.
struct Segmenter {
    /// Segments `original`.
    /// - Parameters:
    ///   - original: the un-normalized input.
    ///   - word: called for each word with its normalized text and original UTF-8 range.
    ///   - cjkRun: called for each CJK run with its characters (normalized) and their original ranges;
    ///     the arrays are reused between calls.
    static func segment(
        _ original: String,
        word: (String, Range<Int>) -> Void,
        cjkRun: ([String], [Range<Int>]) -> Void
    ) {
        var wordText = ""
        var wordRange: Range<Int>? = nil
        var runChars: [String] = []
        var runRanges: [Range<Int>] = []

        func flushWord() {
            if let range = wordRange {
                word(wordText, range)
                wordText = ""
                wordRange = nil
            }
        }
        func flushRun() {
            if !runChars.isEmpty {
                cjkRun(runChars, runRanges)
                runChars.removeAll(keepingCapacity: true)
                runRanges.removeAll(keepingCapacity: true)
            }
        }

        forEachCharacter(original) { scriptClass, term, range in
            switch scriptClass {
            case .separator:
                flushWord()
                flushRun()
            case .cjk:
                flushWord()
                runChars.append(term)
                runRanges.append(range)
            case .word:
                flushRun()
                wordText += term
                wordRange = (wordRange?.lowerBound ?? range.lowerBound)..<range.upperBound
            }
        }
        flushWord()
        flushRun()
    }

    /// Walks the characters (grapheme clusters) of `original`'s normalization in order: each
    /// with its class, its term (the normalized character; empty for a separator) and the
    /// UTF-8 range of the original characters it came from (empty for a separator).
    static func forEachCharacter(
        _ original: String,
        _ body: (ScriptClass, String, Range<Int>) throws -> Void
    ) rethrows {
        let normalized = NormalizedText(original)
        var cursor = NormalizedText.Cursor()
        var offset = 0
        for character in normalized.text {
            let length = character.utf8.count
            let normRange = offset..<(offset + length)
            offset += length
            let scriptClass = ScriptClass.of(character)
            if scriptClass == .separator {
                try body(.separator, "", 0..<0)
                continue
            }
            let (range, spansPieces) = cursor.originalRange(of: normRange, in: normalized)
            // A character assembled from several pieces (e.g. ㄱ + ㅏ → ᄀ + ᅡ) is re-normalized so
            // that its term is the composed form, which is what normalizing it alone yields.
            try body(scriptClass, spansPieces ? Normalizer.icuNormalize(character) : String(character), range)
        }
    }
}
