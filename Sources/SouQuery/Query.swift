/// A parsed query (the AST produced by ``QueryParser``).
///
/// Texts are kept as typed (un-normalized); evaluation analyzes them with
/// `Analyzer.querySlots(_:)`. A `nil` field means every text field.
///
/// Shape guarantees of ``QueryParser/parse(_:)``: `.and`/`.or` have at least two children and never
/// a direct child of their own kind; `.not` appears only as a child of `.and` that also has at
/// least one non-`.not` child; every `.term`/`.phrase`/`.prefix` text yields at least one query slot.
public indirect enum Query: Sendable, Equatable {
    /// A bare word as typed; evaluation analyzes it into slots (a phrase if more than one).
    case term(field: String?, text: String)
    /// A quoted phrase, text between the quotes.
    case phrase(field: String?, text: String)
    /// `word*`: text without the `*`.
    case prefix(field: String?, text: String)
    /// All clauses must match (`.not` clauses must not).
    case and([Query])
    /// At least one clause must match.
    case or([Query])
    /// Excludes documents matching the clause; only inside `.and`.
    case not(Query)
}
