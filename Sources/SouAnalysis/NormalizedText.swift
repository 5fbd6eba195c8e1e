/// A normalized string plus the map from normalized UTF-8 offsets back to the original text.
///
/// Each original character becomes one *piece* (its `NFKC_Casefold`, possibly empty or several
/// characters long). Piece `i` covers normalized bytes `normStarts[i]..<normStarts[i+1]` and
/// original bytes `origStarts[i]..<origStarts[i+1]`.
struct NormalizedText {
    /// The normalized text; equals `Normalizer().normalize(original)`.
    let text: String
    private var normStarts: [Int] = []
    private var origStarts: [Int] = []

    init(_ original: String) {
        var out = ""
        out.reserveCapacity(original.utf8.count)
        var normStarts: [Int] = []
        var origStarts: [Int] = []
        var origOffset = 0
        for character in original {
            normStarts.append(out.utf8.count)
            origStarts.append(origOffset)
            Normalizer.append(character, to: &out)
            origOffset += character.utf8.count
        }
        normStarts.append(out.utf8.count)
        origStarts.append(origOffset)
        self.text = out
        self.normStarts = normStarts
        self.origStarts = origStarts
    }

    /// Walks normalized byte ranges in increasing order and maps them back to the original text.
    struct Cursor {
        private var piece = 0

        /// Maps a non-empty normalized range to the original bytes of all pieces it touches.
        /// Calls must come with non-decreasing `range.lowerBound`.
        /// - Returns: the original range and whether the range spans more than one piece.
        mutating func originalRange(of range: Range<Int>, in text: NormalizedText) -> (Range<Int>, Bool) {
            let starts = text.normStarts
            let last = starts.count - 2  // index of the last piece
            while piece < last && starts[piece + 1] <= range.lowerBound { piece += 1 }
            var end = piece
            while end < last && starts[end + 1] < range.upperBound { end += 1 }
            return (text.origStarts[piece]..<text.origStarts[end + 1], end != piece)
        }
    }
}
