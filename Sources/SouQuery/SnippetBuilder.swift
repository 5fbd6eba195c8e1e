import SouAnalysis
import SouDocument
import SouFormat
import SouIndex

/// Picks the passage of a document that best shows why it matched and marks the matches.
///
/// Fields are re-analyzed (the analyzer's tokens carry byte ranges into the original text) —
/// a long field only in a region around a likely match (`SnippetRegion`) — every occurrence
/// of every positive query leaf is located by positions exactly as the index matched it,
/// and the window of `length` characters holding the most matches is cut out. CJK text has no spaces, so windows are measured in characters, not words. Line
/// breaks and tabs become spaces: a snippet is always one line.
struct SnippetBuilder {
    let leaves: [QueryLeaf]
    let analyzer: Analyzer
    let highlight: Highlight
    let length: Int

    init(query: Query, analyzer: Analyzer, highlight: Highlight, length: Int) {
        var leaves: [QueryLeaf] = []
        Self.collectPositiveLeaves(query, analyzer: analyzer, into: &leaves)
        self.leaves = leaves
        self.analyzer = analyzer
        self.highlight = highlight
        self.length = max(length, 10)
    }

    private static func collectPositiveLeaves(_ query: Query, analyzer: Analyzer, into leaves: inout [QueryLeaf]) {
        if let leaf = QueryLeaf(query, analyzer: analyzer) {
            leaves.append(leaf)
            return
        }
        switch query {
        case .term, .phrase, .prefix:
            break  // a leaf, appended above
        case .and(let children), .or(let children):
            for child in children { collectPositiveLeaves(child, analyzer: analyzer, into: &leaves) }
        case .not:
            break
        }
    }

    /// - Throws: `SearchError.timeout` once `deadline` passes (it is ticked per token).
    func snippet(for document: Document, deadline: QueryDeadline = QueryDeadline(nil)) throws -> String {
        var best: Passage?
        for field in document.fields {
            let passage = try passage(in: field, deadline: deadline)
            if passage.ranges.count > (best?.ranges.count ?? 0) { best = passage }
        }
        if let best {
            return render(best.text, ranges: best.ranges, startsField: best.startsField, endsField: best.endsField)
        }
        let fallback = document.fields.first { $0.name == "body" } ?? document.fields.first
        let text = fallback?.value ?? ""
        let size = SnippetRegion.bytes(snippetLength: length)
        guard text.utf8.count > size else { return render(text, ranges: []) }
        let bytes = Array(text.utf8)
        let end = SnippetRegion.cut(bytes, before: size)
        return render(String(decoding: bytes[..<end], as: UTF8.self), ranges: [], endsField: false)
    }

    /// Text a snippet is cut from, with its match ranges (byte offsets into `text`).
    struct Passage {
        var text: String
        var ranges: [Range<Int>]
        /// Where `text` begins in the field's UTF-8.
        var offset = 0
        /// Whether `text` begins (ends) where the field does; if not, the snippet says `…` there.
        var startsField = true
        var endsField = true
    }

    /// The passage of `field` to cut a snippet from: the whole field when it is short, else
    /// the first region of it that holds a match (`SnippetRegion`), so a long field costs no
    /// more analysis than a short one. Empty ranges if no region matches.
    func passage(in field: Document.Field, deadline: QueryDeadline = QueryDeadline(nil)) throws -> Passage {
        let size = SnippetRegion.bytes(snippetLength: length)
        guard field.value.utf8.count > size else {
            return Passage(text: field.value, ranges: try matchRanges(in: field, deadline: deadline))
        }
        let applicable = leaves.filter { !$0.isEmpty && ($0.field == nil || $0.field == field.name) }
        guard !applicable.isEmpty else { return Passage(text: "", ranges: []) }
        let bytes = Array(field.value.utf8)
        var found = Passage(text: "", ranges: [])
        try SnippetRegion.forEach(in: bytes, needles: SnippetRegion.needles(of: applicable), size: size) { region in
            try deadline.tickOrThrow()
            let text = String(decoding: bytes[region.range], as: UTF8.self)
            let ranges = try matchRanges(in: Document.Field(name: field.name, value: text), deadline: deadline)
            guard !ranges.isEmpty else { return false }
            found = Passage(
                text: text,
                ranges: ranges,
                offset: region.range.lowerBound,
                startsField: region.range.lowerBound == 0,
                endsField: region.range.upperBound == bytes.count
            )
            return true
        }
        return found
    }

    /// Byte ranges (in the field's original text) of every leaf occurrence, merged and sorted.
    func matchRanges(in field: Document.Field, deadline: QueryDeadline = QueryDeadline(nil)) throws -> [Range<Int>] {
        let applicable = leaves.filter { !$0.isEmpty && ($0.field == nil || $0.field == field.name) }
        guard !applicable.isEmpty else { return [] }
        let tokens = analyzer.tokens(field.value)
        var byPosition: [Int: [Token]] = [:]
        for token in tokens { byPosition[token.position, default: []].append(token) }
        var ranges: [Range<Int>] = []
        for leaf in applicable {
            for start in tokens {
                try deadline.tickOrThrow()
                guard Self.matches(leaf.slots[0], start) else { continue }
                let first = Self.matchedRange(of: start, slot: leaf.slots[0], byPosition: byPosition)
                var lower = first.lowerBound
                var upper = first.upperBound
                var matched = true
                for index in 1..<leaf.slots.count {
                    let position = start.position + Int(leaf.offsets[index])
                    guard let token = byPosition[position]?.first(where: { Self.matches(leaf.slots[index], $0) }) else {
                        matched = false
                        break
                    }
                    let range = Self.matchedRange(of: token, slot: leaf.slots[index], byPosition: byPosition)
                    lower = min(lower, range.lowerBound)
                    upper = max(upper, range.upperBound)
                }
                if matched { ranges.append(lower..<upper) }
            }
        }
        return Self.merge(ranges)
    }

    /// The bytes of `token` that `slot` stands for. A lone CJK character matches a bigram by
    /// its first character only: the highlight ends where the next position's token starts
    /// (unless both come from one original character, such as `㍿`).
    private static func matchedRange(of token: Token, slot: QuerySlot, byPosition: [Int: [Token]]) -> Range<Int> {
        guard case .prefix(_, let maxCharacters) = slot, maxCharacters != nil, token.kind == .cjkBigram,
            let next = byPosition[token.position + 1]?.first,
            next.range.lowerBound > token.range.lowerBound, next.range.lowerBound < token.range.upperBound
        else { return token.range }
        return token.range.lowerBound..<next.range.lowerBound
    }

    private static func matches(_ slot: QuerySlot, _ token: Token) -> Bool {
        slot.matches(token.term)
    }

    private static func merge(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// Cuts the window with the most matches and inserts the markers.
    ///
    /// - Parameters:
    ///   - startsField: false when `text` is a region after the field's start (`…` before it).
    ///   - endsField: false when the field goes on after `text` (`…` after it).
    func render(_ text: String, ranges: [Range<Int>], startsField: Bool = true, endsField: Bool = true) -> String {
        let utf8 = Array(text.utf8)
        // Character boundaries as byte offsets, so windows never split a character.
        var boundaries: [Int] = []
        boundaries.reserveCapacity(utf8.count / 2)
        var offset = 0
        for character in text {
            boundaries.append(offset)
            offset += character.utf8.count
        }
        boundaries.append(offset)
        let characterCount = boundaries.count - 1
        guard characterCount > 0 else { return "" }

        func characterIndex(ofByte byte: Int) -> Int {
            var low = 0
            var high = characterCount
            while low < high {
                let mid = (low + high + 1) / 2
                if boundaries[mid] <= byte { low = mid } else { high = mid - 1 }
            }
            return low
        }

        // The first index in the sorted, disjoint `ranges` at which `isAfter` turns true.
        func firstRange(where isAfter: (Range<Int>) -> Bool) -> Int {
            var low = 0
            var high = ranges.count
            while low < high {
                let mid = (low + high) / 2
                if isAfter(ranges[mid]) { high = mid } else { low = mid + 1 }
            }
            return low
        }

        // Pick the first match whose window (starting a little before it) holds the most
        // matches. `ranges` are sorted and disjoint (merged), so their lower and upper bounds
        // both ascend and a window's count is two binary searches: O(n log n) for a field
        // with n matches, not O(n²) (20,000 matches in one field took 36 s).
        let lead = min(length / 5, 20)
        var windowStart = 0
        var bestCount = -1
        for range in ranges {
            let start = max(0, characterIndex(ofByte: range.lowerBound) - lead)
            let startByte = boundaries[start]
            let endByte = boundaries[min(characterCount, start + length)]
            let count = max(
                0,
                firstRange(where: { $0.upperBound > endByte }) - firstRange(where: { $0.lowerBound >= startByte })
            )
            if count > bestCount {
                bestCount = count
                windowStart = start
            }
        }
        let windowEnd = min(characterCount, windowStart + length)
        let startByte = boundaries[windowStart]
        let endByte = boundaries[windowEnd]

        var out = windowStart > 0 || !startsField ? "…" : ""
        var cursor = startByte
        for range in ranges where range.lowerBound >= startByte && range.lowerBound < endByte {
            let upper = min(range.upperBound, endByte)
            out += Self.oneLine(utf8[cursor..<range.lowerBound])
            out += highlight.open + Self.oneLine(utf8[range.lowerBound..<upper]) + highlight.close
            cursor = upper
        }
        out += Self.oneLine(utf8[cursor..<endByte])
        if windowEnd < characterCount || !endsField { out += "…" }
        return out
    }

    /// Text with line breaks (U+0085 NEL, U+2028, U+2029 included: clients that split on
    /// Unicode line breaks must not see a snippet end early), tabs, other control characters
    /// (ESC included, so a snippet cannot drive a terminal, and callers may use them as
    /// markers) and runs of spaces turned into single spaces.
    private static func oneLine(_ bytes: ArraySlice<UInt8>) -> String {
        var result = [UInt8]()
        result.reserveCapacity(bytes.count)
        var lastWasSpace = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            // C1 controls are C2 80…9F; U+2028/U+2029 are E2 80 A8/A9.
            var width = 0
            if byte <= 0x20 || byte == 0x7F {
                width = 1
            } else if byte == 0xC2, index + 1 < bytes.endIndex, (0x80...0x9F).contains(bytes[index + 1]) {
                width = 2
            } else if byte == 0xE2, index + 2 < bytes.endIndex, bytes[index + 1] == 0x80,
                bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
            {
                width = 3
            }
            if width > 0 {
                if !lastWasSpace { result.append(0x20) }
                lastWasSpace = true
                index += width
            } else {
                result.append(byte)
                lastWasSpace = false
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
