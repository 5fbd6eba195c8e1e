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
        let normalized = NormalizedText(original)
        var cursor = NormalizedText.Cursor()
        var offset = 0
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

        for character in normalized.text {
            let length = character.utf8.count
            let normRange = offset..<(offset + length)
            offset += length
            let scriptClass = ScriptClass.of(character)
            if scriptClass == .separator {
                flushWord()
                flushRun()
                continue
            }
            let (range, spansPieces) = cursor.originalRange(of: normRange, in: normalized)
            // A character assembled from several pieces (e.g. ㄱ + ㅏ → ᄀ + ᅡ) is re-normalized so
            // that its term is the composed form, which is what normalizing it alone yields.
            let term = spansPieces ? Normalizer.icuNormalize(character) : String(character)
            if scriptClass == .cjk {
                flushWord()
                runChars.append(term)
                runRanges.append(range)
            } else {
                flushRun()
                wordText += term
                wordRange = (wordRange?.lowerBound ?? range.lowerBound)..<range.upperBound
            }
        }
        flushWord()
        flushRun()
    }
}
