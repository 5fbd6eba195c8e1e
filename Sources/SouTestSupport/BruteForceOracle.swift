import SouAnalysis
import SouDocument
import SouIndex

/// The answer a search must give, computed by scanning every document's normalized text.
///
/// A CJK string matches a field iff the field's normalized text contains the string's
/// normalized text as a contiguous run of characters (grapheme clusters, compared with
/// canonical equivalence): the definition of substring search.
public struct BruteForceOracle: Sendable {
    public let documents: [Document]
    private let normalized: [[String: [Character]]]
    private let analyzer: Analyzer

    public init(documents: [Document], analyzer: Analyzer = Analyzer()) {
        self.documents = documents
        self.analyzer = analyzer
        normalized = documents.map { document in
            var fields: [String: [Character]] = [:]
            for field in document.fields { fields[field.name] = Array(analyzer.normalize(field.value)) }
            return fields
        }
    }

    /// Ids of the documents with a field (or the named field) containing `text`.
    public func ids(containing text: String, field: String? = nil) -> Set<String> {
        let needle = Array(analyzer.normalize(text))
        var result = Set<String>()
        for (document, fields) in zip(documents, normalized) {
            let hit = fields.contains { name, haystack in
                (field == nil || field == name) && Self.contains(haystack, needle)
            }
            if hit { result.insert(document.id) }
        }
        return result
    }

    /// Whether `needle` occurs in `haystack` as a contiguous sequence.
    public static func contains<Element: Equatable>(_ haystack: [Element], _ needle: [Element]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return true }
            }
            index += 1
        }
        return false
    }
}
