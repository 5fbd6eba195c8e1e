import SouAnalysis
import SouDocument
import SouFormat
import SouIndex

/// Runs queries against one snapshot.
///
/// Every matching live document is counted (totals are exact), but a document is scored
/// only if its block-max upper bound beats the current k-th best score: pruned and
/// exhaustive top-k are identical (see `TopKCollector`).
public struct Searcher: Sendable {
    public let snapshot: Snapshot
    public let parameters: BM25Parameters
    /// Per-field score multipliers; fields not listed have boost 1.
    public let boosts: [String: Float]
    public let analyzer: Analyzer
    /// A prefix (or lone CJK character) may expand to at most this many terms per segment.
    public var maxExpansions = 65_536
    private let parser = QueryParser()

    public init(snapshot: Snapshot, parameters: BM25Parameters = .init(), boosts: [String: Float] = [:]) {
        self.snapshot = snapshot
        self.parameters = parameters
        self.boosts = boosts
        self.analyzer = Analyzer()
    }

    /// - Returns: the exact number of matching live documents and the hits in
    ///   `offset..<offset+limit` of the ranking.
    /// - Throws: `QueryError` for a malformed query, `SearchError` for a timeout or an
    ///   over-broad prefix, `SearchError.corrupt`/`.io` if reading the index files fails.
    public func search(_ text: String, options: SearchOptions = SearchOptions()) throws -> SearchResult {
        let query = try parser.parse(text)
        return try search(query, options: options)
    }

    public func search(_ query: Query, options: SearchOptions = SearchOptions()) throws -> SearchResult {
        try SearchError.reportingFormatErrors { try collect(query, options: options) }
    }

    private func collect(_ query: Query, options: SearchOptions) throws -> SearchResult {
        let deadline = QueryDeadline(options.deadline)
        let plan = makePlan(deadline)
        // Saturating: a library caller may pass `Int.max` as "no limit".
        let (sum, overflow) = max(0, options.offset).addingReportingOverflow(max(0, options.limit))
        let wanted = overflow ? Int.max : sum
        var collector = TopKCollector(capacity: wanted)
        var total = 0
        var scored = 0
        try forEachLiveMatch(of: query, plan: plan) { segment, doc, matcher in
            total += 1
            if wanted > 0 && (!collector.isFull || !options.pruning || matcher.scoreUpperBound() > collector.threshold)
            {
                scored += 1
                collector.offer(.init(score: matcher.score(), segment: segment, doc: doc))
            }
        }
        let page = collector.sorted().dropFirst(max(0, options.offset))
        let snippets =
            options.snippets
            ? SnippetBuilder(
                query: query,
                analyzer: analyzer,
                highlight: options.highlight,
                length: options.snippetLength
            )
            : nil
        var hits: [SearchHit] = []
        hits.reserveCapacity(page.count)
        for entry in page {
            // Reading and snippeting a hit is coarse work (a whole stored document): check each time.
            if deadline.checkNow() { throw SearchError.timeout }
            let reader = snapshot.segments[entry.segment].reader
            // The id comes from the id column; the stored document (a block to inflate) only
            // when the hit needs its text.
            guard snippets != nil || options.fields != nil else {
                hits.append(SearchHit(id: try reader.id(entry.doc), score: entry.score, snippet: nil, fields: []))
                continue
            }
            let document = try reader.document(entry.doc)
            hits.append(
                SearchHit(
                    id: document.id,
                    score: entry.score,
                    snippet: try snippets?.snippet(for: document, deadline: deadline),
                    fields: Self.select(options.fields, from: document)
                )
            )
        }
        return SearchResult(total: total, hits: hits, scoredDocuments: scored)
    }

    /// The exact number of live documents matching `text`, without scoring.
    ///
    /// - Throws: `QueryError`, `SearchError` (timeout past `deadline`, over-broad prefix),
    ///   `SearchError.corrupt`/`.io` as `search`.
    public func count(_ text: String, deadline: ContinuousClock.Instant? = nil) throws -> Int {
        let query = try parser.parse(text)
        let plan = makePlan(QueryDeadline(deadline), scoring: false)
        var total = 0
        try SearchError.reportingFormatErrors {
            try forEachLiveMatch(of: query, plan: plan) { _, _, _ in total += 1 }
        }
        return total
    }

    /// The live document with external id `id`.
    ///
    /// - Throws: `SearchError.corrupt`/`.io` if reading the index files fails.
    public func document(id: String) throws -> Document? {
        try SearchError.reportingFormatErrors { try snapshot.document(id: id) }
    }

    private func makePlan(_ deadline: QueryDeadline, scoring: Bool = true) -> QueryPlan {
        QueryPlan(
            snapshot: snapshot,
            parameters: parameters,
            boosts: boosts,
            analyzer: analyzer,
            maxExpansions: maxExpansions,
            deadline: deadline,
            scoring: scoring
        )
    }

    /// Calls `body(segment, doc, matcher)` for every live document matching `query`, segment
    /// by segment in doc-id order (`matcher` stands on `doc`, ready to score it). The plan's
    /// deadline is ticked per match here and per candidate inside the matchers; a matcher
    /// that saw it expire ends early, which is reported as a timeout, never as a result.
    ///
    /// - Throws: `SearchError.timeout` past the deadline; errors of building the matchers.
    @inline(__always)
    private func forEachLiveMatch(of query: Query, plan: QueryPlan, _ body: (Int, UInt32, any Matcher) -> Void) throws {
        let deadline = plan.deadline
        for segment in snapshot.segments.indices {
            let view = snapshot.segments[segment]
            let matcher = try plan.matcher(for: query, segment: segment)
            var doc = matcher.doc
            while doc != noMoreDocs {
                if deadline.tick() { break }
                if !view.isDeleted(doc) { body(segment, doc, matcher) }
                doc = matcher.next()
            }
            try deadline.throwIfExpired()
        }
    }

    private static func select(_ names: [String]?, from document: Document) -> [Document.Field] {
        guard let names else { return [] }
        if names.contains("*") { return document.fields }
        return document.fields.filter { names.contains($0.name) }
    }
}
