import SouDocument
import SouIndex

/// Markers placed around highlighted matches in snippets; the client chooses them.
public struct Highlight: Sendable, Equatable {
    public var open: String
    public var close: String

    public init(open: String = "«", close: String = "»") {
        self.open = open
        self.close = close
    }
}

/// How a search runs and what it returns.
public struct SearchOptions: Sendable {
    /// Hits to return after skipping `offset`.
    public var limit = 10
    public var offset = 0
    /// Stored fields to return with each hit; nil returns none, `["*"]` all.
    public var fields: [String]? = nil
    public var snippets = true
    public var highlight = Highlight()
    /// Snippet length in characters (matches are centred in it).
    public var snippetLength = 120
    /// The search throws `SearchError.timeout` once this passes.
    public var deadline: ContinuousClock.Instant? = nil
    /// Block-max pruning of scoring; off only to check that pruning changes nothing.
    public var pruning = true
    /// Matches are counted exactly up to this many; past it the total is reported as this
    /// lower bound (`SearchResult.totalIsExact` false) and blocks of postings that cannot
    /// reach the top `offset + limit` are skipped without being decoded. nil: always exact.
    public var totalThreshold: Int? = SearchOptions.defaultTotalThreshold

    /// The default `totalThreshold`, as Lucene's and Elasticsearch's.
    public static let defaultTotalThreshold = 10_000

    public init(
        limit: Int = 10,
        offset: Int = 0,
        fields: [String]? = nil,
        snippets: Bool = true,
        highlight: Highlight = Highlight(),
        deadline: ContinuousClock.Instant? = nil,
        totalThreshold: Int? = SearchOptions.defaultTotalThreshold
    ) {
        self.totalThreshold = totalThreshold
        self.limit = limit
        self.offset = offset
        self.fields = fields
        self.snippets = snippets
        self.highlight = highlight
        self.deadline = deadline
    }
}

/// One ranked document.
public struct SearchHit: Sendable, Equatable {
    public let id: String
    public let score: Float
    /// The best-matching passage with matches between the highlight markers; one line.
    public let snippet: String?
    public let fields: [Document.Field]
}

/// The answer to a search: the number of matching live documents and one page of hits.
public struct SearchResult: Sendable, Equatable {
    /// The exact number of matches when `totalIsExact`; otherwise a lower bound (the
    /// search's `totalThreshold`: more documents than that match).
    public let total: Int
    public let totalIsExact: Bool
    public let hits: [SearchHit]
    /// How many matching documents were fully scored (the rest were skipped by block-max bounds).
    public let scoredDocuments: Int
    /// How many documents the search stood on (every match while counting; past the total
    /// threshold only those in windows whose bound could reach the page).
    public let visitedDocuments: Int
}
