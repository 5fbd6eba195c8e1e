import SouAnalysis

/// Where in a long field a snippet is looked for, so that a snippet costs the same for a field
/// of a megabyte as for one of a few KiB: only a region of about `SnippetRegion.bytes` around
/// a likely match is analyzed, never the whole field.
///
/// Candidates come from a byte scan for each leaf's first slot (its term, or its prefix or
/// lone CJK character; ASCII letters in either case). A candidate is only a hint: the region
/// around it is analyzed and its matches located exactly as in a short field, so a candidate
/// that is no match (or text whose normalization hides the term from the byte scan) costs a
/// region and the search moves on; when no candidate is left, the bytes not yet analyzed
/// follow, region after region, until one holds a match. Each byte is analyzed at most once
/// and each needle's occurrences are scanned for once, so a field costs at most one pass.
///
/// Regions are cut where analysis is the same inside the region as in the whole field:
/// before an ASCII or CJK separator, or between two CJK ideographs (a bigram across the
/// cut is lost, never invented). Never inside a word.
struct SnippetRegion {
    /// The region's bytes in the field's UTF-8.
    var range: Range<Int>

    /// Fields up to about this many bytes are analyzed whole.
    static func bytes(snippetLength: Int) -> Int { max(2_048, 16 * snippetLength) }

    /// Regions of `text` in the order to try them: one around each candidate of `needles`,
    /// then consecutive ones from where they left off; `body` returns true to stop.
    static func forEach(
        in text: [UInt8],
        needles: [[UInt8]],
        size: Int,
        _ body: (SnippetRegion) throws -> Bool
    ) rethrows {
        // Regions never overlap: each byte is analyzed at most once, however the field looks.
        var covered = 0
        // Each needle's next occurrence at or after `covered`; a needle that has none is dropped.
        var next: [(needle: [UInt8], at: Int)] = needles.compactMap { needle in
            firstOccurrence(of: needle, in: text, from: 0).map { (needle, $0) }
        }
        // The bytes jumped over on the way to a candidate, analyzed last if no candidate matches.
        var skipped: [Range<Int>] = []
        while covered < text.count {
            next = next.compactMap { entry in
                entry.at >= covered
                    ? entry : firstOccurrence(of: entry.needle, in: text, from: covered).map { (entry.needle, $0) }
            }
            guard let anchor = next.map(\.at).min() else { break }
            // A quarter of the region before the candidate, the rest after it.
            var start = max(covered, cut(text, before: max(covered, anchor - size / 4)))
            if start - covered < size / 4 { start = covered }  // no gap worth keeping
            var end = cut(text, before: min(text.count, start + size))
            if end <= anchor { end = cut(text, atOrAfter: anchor + 1) }
            if end <= start { end = cut(text, atOrAfter: start + 1) }
            if start > covered { skipped.append(covered..<start) }
            if try body(SnippetRegion(range: start..<end)) { return }
            covered = end
        }
        if covered < text.count { skipped.append(covered..<text.count) }
        // No candidate held a match (normalization can hide a term from the byte scan): the
        // rest of the field, region after region, in order.
        for gap in skipped {
            var start = gap.lowerBound
            while start < gap.upperBound {
                var end = min(gap.upperBound, cut(text, before: min(gap.upperBound, start + size)))
                if end <= start { end = min(gap.upperBound, cut(text, atOrAfter: start + 1)) }
                if try body(SnippetRegion(range: start..<end)) { return }
                start = end
            }
        }
    }

    /// A cut at or before `offset` (at most 256 bytes back), else the first one after it.
    static func cut(_ text: [UInt8], before offset: Int) -> Int {
        if offset >= text.count { return text.count }
        var index = offset
        while index > 0 && offset - index < 256 {
            if isCut(text, index) { return index }
            index -= 1
        }
        return cut(text, atOrAfter: offset)
    }

    /// The first cut at or after `offset` (the end of the text if none).
    static func cut(_ text: [UInt8], atOrAfter offset: Int) -> Int {
        var index = max(0, offset)
        while index < text.count && !isCut(text, index) { index += 1 }
        return min(index, text.count)
    }

    /// Whether the field can be cut before byte `index`: a separator starts there, or an
    /// ideograph that follows another.
    static func isCut(_ text: [UInt8], _ index: Int) -> Bool {
        if index == 0 || index >= text.count { return true }
        let byte = text[index]
        if byte < 0x80 {
            // ASCII separators: space, controls, punctuation (not letters, digits or '_').
            return !(byte >= 0x30 && byte <= 0x39) && !(byte >= 0x41 && byte <= 0x5A)
                && !(byte >= 0x61 && byte <= 0x7A) && byte != 0x5F
        }
        guard index + 2 < text.count, byte & 0xF0 == 0xE0 else { return false }
        let scalar = UInt32(byte & 0x0F) << 12 | UInt32(text[index + 1] & 0x3F) << 6 | UInt32(text[index + 2] & 0x3F)
        // CJK punctuation (、。「」…) and fullwidth comma, colon, semicolon, ! and ?.
        if (0x3000...0x303F).contains(scalar) || [0xFF0C, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F].contains(scalar) {
            return true
        }
        // Between two unified ideographs (U+4E00–U+9FFF, lead bytes E4–E9).
        return (0xE4...0xE9).contains(byte) && index >= 3 && (0xE4...0xE9).contains(text[index - 3])
            && text[index - 2] & 0xC0 == 0x80 && text[index - 1] & 0xC0 == 0x80
    }

    /// The first offset ≥ `start` where `needle` occurs, ASCII letters compared without case.
    static func firstOccurrence(of needle: [UInt8], in text: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, needle.count <= text.count else { return nil }
        let last = text.count - needle.count
        var index = start
        let lower = asciiLower(first)
        while index <= last {
            if asciiLower(text[index]) == lower {
                var matched = 1
                while matched < needle.count && asciiLower(text[index + matched]) == asciiLower(needle[matched]) {
                    matched += 1
                }
                if matched == needle.count { return index }
            }
            index += 1
        }
        return nil
    }

    @inline(__always)
    static func asciiLower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    /// The bytes the byte scan looks for: each leaf's first slot's term (or prefix, or lone
    /// character), as the analyzer normalized it.
    static func needles(of leaves: [QueryLeaf]) -> [[UInt8]] {
        var needles: [[UInt8]] = []
        for leaf in leaves {
            guard let slot = leaf.slots.first else { continue }
            switch slot {
            case .term(let text), .prefix(let text, _): needles.append(Array(text.utf8))
            }
        }
        return needles
    }
}
