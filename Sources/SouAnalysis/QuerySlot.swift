/// One slot of an analyzed query word or phrase: a set of terms allowed at a relative position.
public enum QuerySlot: Sendable, Equatable {
    /// Must match exactly this term at the relative position.
    case term(String, position: Int)
    /// A lone CJK character `X` (a query CJK run of length 1): matches every term of one or two
    /// characters whose first character is `X`, i.e. the bigrams `X?` and the unigram `X`.
    case cjkPrefix(String, position: Int)

    /// Relative position of the slot (the first slot is at 0; gaps are possible after over-long words).
    public var position: Int {
        switch self {
        case .term(_, let position), .cjkPrefix(_, let position): position
        }
    }

    /// The exact term, or for `.cjkPrefix` the character every matching term starts with.
    public var text: String {
        switch self {
        case .term(let text, _), .cjkPrefix(let text, _): text
        }
    }

    /// Whether an index term (without field number) satisfies this slot.
    ///
    /// `.term` compares UTF-8 bytes. `.cjkPrefix(X)` accepts `term` iff its first character
    /// (grapheme cluster) is exactly `X` and it has at most two characters. Evaluators that scan
    /// the term dictionary from the byte prefix `X` must filter candidates with this function:
    /// a byte prefix alone also finds e.g. `X` followed by a combining mark.
    /// - Parameter term: the normalized term text.
    /// - Returns: true if the term belongs to this slot.
    public func matches(_ term: String) -> Bool {
        switch self {
        case .term(let text, _):
            return term.utf8.elementsEqual(text.utf8)
        case .cjkPrefix(let prefix, _):
            guard term.utf8.starts(with: prefix.utf8) else { return false }
            var characters = term.makeIterator()
            guard let first = characters.next(), first.utf8.elementsEqual(prefix.utf8) else { return false }
            _ = characters.next()
            return characters.next() == nil
        }
    }
}
