/// The set of index terms a query may match at one position: the one definition the query
/// planner (dictionary lookups), the snippet builder (highlights) and the tests use.
public enum QuerySlot: Sendable, Hashable {
    /// Exactly this term.
    case term(String)
    /// Any term starting with `prefix` (UTF-8 bytes); with `maxCharacters`, only terms at most
    /// that many characters long whose first character is exactly the prefix's.
    case prefix(String, maxCharacters: Int?)

    /// A lone CJK character `X` (a query CJK run of length 1): every term of one or two
    /// characters whose first character is `X`, i.e. the bigrams `X?` and the unigram `X`.
    public static func cjkCharacter(_ character: String) -> QuerySlot {
        .prefix(character, maxCharacters: 2)
    }

    /// Whether an index term (without field number) satisfies this slot.
    ///
    /// `.term` compares UTF-8 bytes. `.prefix` compares bytes too, as the term dictionary
    /// enumerates prefixes (`String.hasPrefix` compares characters and misses a term whose
    /// first letter carries a combining mark); with `maxCharacters` it then rejects a term
    /// whose first character merely starts with the same bytes (`X` plus a combining mark),
    /// so evaluators that scan the dictionary from the byte prefix must filter with this.
    /// - Parameter term: the normalized term text.
    /// - Returns: true if the term belongs to this slot.
    public func matches(_ term: String) -> Bool {
        switch self {
        case .term(let text):
            return term.utf8.elementsEqual(text.utf8)
        case .prefix(let prefix, let maxCharacters):
            guard term.utf8.starts(with: prefix.utf8) else { return false }
            guard let maxCharacters else { return true }
            return term.count <= maxCharacters && term.first == prefix.first
        }
    }
}

/// A slot of an analyzed query word or phrase at its position relative to the first slot.
public struct PositionedQuerySlot: Sendable, Hashable {
    public var slot: QuerySlot
    /// Relative position of the slot (the first slot is at 0; gaps are possible after over-long words).
    public var position: Int

    public init(_ slot: QuerySlot, position: Int) {
        self.slot = slot
        self.position = position
    }

    /// Exactly `text` at `position`.
    public static func term(_ text: String, position: Int) -> PositionedQuerySlot {
        PositionedQuerySlot(.term(text), position: position)
    }

    /// A lone CJK character at `position` (``QuerySlot/cjkCharacter(_:)``).
    public static func cjkPrefix(_ character: String, position: Int) -> PositionedQuerySlot {
        PositionedQuerySlot(.cjkCharacter(character), position: position)
    }

    /// Whether an index term satisfies the slot (``QuerySlot/matches(_:)``).
    public func matches(_ term: String) -> Bool { slot.matches(term) }
}
