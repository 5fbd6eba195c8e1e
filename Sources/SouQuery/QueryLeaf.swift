import SouAnalysis

/// One analyzed leaf of a query: the slots a field must contain at relative positions.
///
/// A bare word, a quoted phrase and a prefix all become leaves; `and`/`or`/`not` combine them.
struct QueryLeaf: Sendable, Hashable {
    /// nil: every text field of the document.
    var field: String?
    var slots: [QuerySlot]
    /// Relative positions, ascending, the first being 0.
    var offsets: [UInt32]

    /// Analyzes the text of a term or phrase node.
    init(field: String?, text: String, analyzer: Analyzer) {
        self.field = field
        var slots: [QuerySlot] = []
        var positions: [Int] = []
        for positioned in analyzer.querySlots(text) {
            slots.append(positioned.slot)
            positions.append(positioned.position)
        }
        let first = positions.first ?? 0
        self.slots = slots
        offsets = positions.map { UInt32($0 - first) }
    }

    /// Analyzes the text of a `prefix*` node: a single word expands to every term it begins;
    /// anything else (CJK text, several tokens) already matches as a substring or phrase.
    init(field: String?, prefix text: String, analyzer: Analyzer) {
        self.init(field: field, text: text, analyzer: analyzer)
        if slots.count == 1, case .term(let word) = slots[0],
            !word.unicodeScalars.contains(where: { ScriptClass.isCJK($0.value) })
        {
            slots = [.prefix(word, maxCharacters: nil)]
        }
    }

    /// The leaf a term, phrase or prefix node stands for; nil for AND, OR and NOT.
    init?(_ query: Query, analyzer: Analyzer) {
        switch query {
        case .term(let field, let text), .phrase(let field, let text):
            self.init(field: field, text: text, analyzer: analyzer)
        case .prefix(let field, let text):
            self.init(field: field, prefix: text, analyzer: analyzer)
        case .and, .or, .not:
            return nil
        }
    }

    /// True when the text analyzed to nothing (only punctuation): such a leaf matches nothing.
    var isEmpty: Bool { slots.isEmpty }
}
