/// The query classes every benchmark and the comparison script measure.
public enum QueryClass: String, Sendable, CaseIterable, Codable {
    /// A CJK substring of 1, 2 or 4 characters.
    case cjk1, cjk2, cjk4
    /// One Latin word; two words ANDed; three words ORed; a two-word phrase; a 3-letter prefix.
    case term, and2, or3, phrase, prefix
}

/// A query drawn from a corpus: its class, its words, and the same query in Sou's syntax.
public struct SampledQuery: Sendable, Codable, Equatable {
    public var queryClass: QueryClass
    /// The CJK substring, the words, or the prefix (without `*`).
    public var parts: [String]

    public init(queryClass: QueryClass, parts: [String]) {
        self.queryClass = queryClass
        self.parts = parts
    }

    /// The query in Sou's language (docs/QUERY_LANGUAGE.md).
    public var sou: String {
        switch queryClass {
        case .cjk1, .cjk2, .cjk4, .term: parts[0]
        case .and2: parts.joined(separator: " ")
        case .or3: parts.joined(separator: " OR ")
        case .phrase: "\"" + parts.joined(separator: " ") + "\""
        case .prefix: parts[0] + "*"
        }
    }
}

/// Draws queries that match at least one document of a corpus: each is cut from a random
/// document (a CJK substring, a word, two words of one document, two adjacent words…), so
/// every class has work to do on any corpus that has CJK runs and Latin words.
public struct QuerySampler {
    private struct Parsed {
        var cjkRuns: [[Unicode.Scalar]] = []
        /// Lower-cased ASCII words; `followsAdjacent[i]` says word i−1 and i are separated by one space.
        var words: [String] = []
        var followsAdjacent: [Bool] = []
    }

    private let texts: [String]
    private var random: SplitMix64
    private var cache: [Int: Parsed] = [:]

    /// - Parameters:
    ///   - texts: document texts (e.g. title + "\n" + body).
    ///   - seed: the same seed and texts give the same queries.
    public init(texts: [String], seed: UInt64) {
        self.texts = texts
        random = SplitMix64(seed: seed ^ 0x0051_EA5C)
    }

    /// - Returns: up to `count` distinct queries of `queryClass` (fewer if the corpus lacks
    ///   the material, e.g. no Latin words).
    public mutating func sample(_ queryClass: QueryClass, count: Int) -> [SampledQuery] {
        var found: [SampledQuery] = []
        var seen = Set<[String]>()
        var attempts = 0
        while found.count < count && attempts < count * 200 && !texts.isEmpty {
            attempts += 1
            guard let parts = draw(queryClass), seen.insert(parts).inserted else { continue }
            found.append(SampledQuery(queryClass: queryClass, parts: parts))
        }
        return found
    }

    /// - Returns: `count` queries of every class, in `QueryClass.allCases` order.
    public mutating func sampleAll(perClass count: Int) -> [SampledQuery] {
        QueryClass.allCases.flatMap { sample($0, count: count) }
    }

    private mutating func draw(_ queryClass: QueryClass) -> [String]? {
        let document = parsed(random.nextInt(below: texts.count))
        switch queryClass {
        case .cjk1, .cjk2, .cjk4:
            let length = queryClass == .cjk1 ? 1 : queryClass == .cjk2 ? 2 : 4
            let runs = document.cjkRuns.filter { $0.count >= length }
            guard !runs.isEmpty else { return nil }
            let run = runs[random.nextInt(below: runs.count)]
            let start = random.nextInt(below: run.count - length + 1)
            var text = ""
            text.unicodeScalars.append(contentsOf: run[start..<(start + length)])
            return [text]
        case .term:
            return randomWord(document).map { [$0] }
        case .and2:
            guard let first = randomWord(document), let second = randomWord(document), first != second else {
                return nil
            }
            return [first, second]
        case .or3:
            var words: [String] = []
            for _ in 0..<3 {
                guard let word = randomWord(parsed(random.nextInt(below: texts.count))) else { return nil }
                words.append(word)
            }
            return Set(words).count == 3 ? words : nil
        case .phrase:
            let starts = document.words.indices.dropFirst().filter { document.followsAdjacent[$0] }
            guard !starts.isEmpty else { return nil }
            let second = starts[random.nextInt(below: starts.count)]
            let pair = [document.words[second - 1], document.words[second]]
            return pair.allSatisfy(Self.hasLetter) ? pair : nil
        case .prefix:
            guard let word = randomWord(document), word.count >= 4 else { return nil }
            return [String(word.prefix(3))]
        }
    }

    private mutating func randomWord(_ document: Parsed) -> String? {
        let candidates = document.words.filter { $0.count >= 2 && Self.hasLetter($0) }
        return candidates.isEmpty ? nil : candidates[random.nextInt(below: candidates.count)]
    }

    private static func hasLetter(_ word: String) -> Bool { word.utf8.contains { $0 >= 0x61 && $0 <= 0x7A } }

    private mutating func parsed(_ index: Int) -> Parsed {
        if let hit = cache[index] { return hit }
        var result = Parsed()
        var run: [Unicode.Scalar] = []
        var word = ""
        var gap = ""  // the characters since the last word ended
        for scalar in texts[index].unicodeScalars {
            if Self.isSampledCJK(scalar.value) {
                run.append(scalar)
            } else if !run.isEmpty {
                result.cjkRuns.append(run)
                run.removeAll()
            }
            let v = scalar.value
            let isASCIIAlnum = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
            if isASCIIAlnum {
                word.unicodeScalars.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v + 0x20)! : scalar)
            } else {
                if !word.isEmpty {
                    result.followsAdjacent.append(!result.words.isEmpty && gap == " ")
                    result.words.append(word)
                    word = ""
                    gap = ""
                }
                gap.unicodeScalars.append(scalar)
            }
        }
        if !run.isEmpty { result.cjkRuns.append(run) }
        if !word.isEmpty {
            result.followsAdjacent.append(!result.words.isEmpty && gap == " ")
            result.words.append(word)
        }
        cache[index] = result
        return result
    }

    /// Han, Kana and Hangul letters that NFKC leaves alone (so the query is what the text holds).
    private static func isSampledCJK(_ v: UInt32) -> Bool {
        (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x3041 && v <= 0x3096)
            || (v >= 0x30A1 && v <= 0x30FA) || (v >= 0xAC00 && v <= 0xD7A3)
    }
}
