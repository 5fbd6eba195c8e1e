/// The options of a `SEARCH` request (the leading `key=value` tokens) and its query.
public struct SearchParameters: Sendable, Equatable {
    /// The query text, in the query language of docs/QUERY_LANGUAGE.md.
    public var query: String
    /// Hits to return (`limit=`), default 10.
    public var limit: Int
    /// Hits to skip (`offset=`), default 0.
    public var offset: Int
    /// Stored fields to return with each hit (`fields=title,body`, `*` for all); empty: none.
    public var fields: [String]
    /// Whether each hit carries a snippet (`snippet=on|off`), default on.
    public var snippets: Bool
    /// The markers around matches in snippets (`hl=«,»`), default `«` and `»`.
    public var highlightOpen: String
    /// See `highlightOpen`.
    public var highlightClose: String
    /// How far the total is counted exactly (`total=exact` or `total=N`); nil: the daemon's
    /// `total_threshold`.
    public var total: TotalCounting?

    /// - Parameters: see the properties.
    public init(
        query: String,
        limit: Int = 10,
        offset: Int = 0,
        fields: [String] = [],
        snippets: Bool = true,
        highlightOpen: String = "«",
        highlightClose: String = "»",
        total: TotalCounting? = nil
    ) {
        self.total = total
        self.query = query
        self.limit = limit
        self.offset = offset
        self.fields = fields
        self.snippets = snippets
        self.highlightOpen = highlightOpen
        self.highlightClose = highlightClose
    }
}

/// How a `SEARCH` counts its matches.
public enum TotalCounting: Sendable, Equatable {
    /// Every match, however many (`total=exact`).
    case exact
    /// Exactly up to this many; past it the total is this lower bound (`total=N`).
    case upTo(Int)
}
