import SouAnalysis
import SouDocument
import SouFormat
import SouIndex

/// Runs queries against one snapshot.
///
/// Matches are counted exactly up to `SearchOptions.totalThreshold`, and a document is scored
/// only if its block-max upper bound beats the current k-th best score; past the threshold,
/// whole windows of postings whose bound cannot are skipped undecoded (`skim`). Pruned and
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

    /// - Returns: the number of matching live documents (exact up to the options' total
    ///   threshold, a lower bound past it) and the hits in `offset..<offset+limit` of the ranking.
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
        // Saturating: a library caller may pass `Int.max` as "no limit".
        let (sum, overflow) = max(0, options.offset).addingReportingOverflow(max(0, options.limit))
        let wanted = overflow ? Int.max : sum
        // Without a page to rank (`limit=0`), no statistics are needed.
        let weight = try makeWeight(query, deadline, scoring: wanted > 0)
        var collector = TopKCollector(capacity: wanted)
        var counter = MatchCounter(threshold: options.totalThreshold)
        var tally = Tally()
        // Past the threshold with a full page, only documents that can enter the top k matter:
        // the rest of the search skims (see `skim`); with no page at all it is over.
        var pastThreshold = false
        for segment in snapshot.segments.indices {
            let view = snapshot.segments[segment]
            let matcher = try weight.scorer(segment: segment)
            var doc = matcher.doc
            // A single-slot leaf's matches are counted without visiting them (a merge of doc
            // ids at most): with pruning, this segment is skimmed from its first document.
            let known = try weight.knownMatchCount(segment: segment)
            if let known { counter.add(known: known) }
            var skimming = options.pruning && (known != nil || pastThreshold)
            while !skimming && doc != noMoreDocs {
                if deadline.tick() { break }
                tally.visited += 1
                if !view.isDeleted(doc) {
                    if known == nil { counter.add() }
                    if wanted > 0
                        && (!collector.isFull || !options.pruning || matcher.scoreUpperBound() > collector.threshold)
                    {
                        tally.scored += 1
                        collector.offer(.init(score: matcher.score(), segment: segment, doc: doc))
                    }
                }
                pastThreshold = options.pruning && !counter.isExact && collector.isFull
                skimming = pastThreshold
                doc = matcher.next()
            }
            if pastThreshold && wanted == 0 { break }
            if skimming && wanted > 0 && doc != noMoreDocs {
                skim(matcher, segment: segment, from: doc, into: &collector, tally: &tally, deadline: deadline)
            }
            try deadline.throwIfExpired()
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
        return SearchResult(
            total: counter.total,
            totalIsExact: counter.isExact,
            hits: hits,
            scoredDocuments: tally.scored,
            visitedDocuments: tally.visited
        )
    }

    /// Block-max top k, once the total no longer needs every match: asks the matcher for the
    /// bound of the window of documents starting at the target (skip data only) and jumps
    /// past the whole window when the bound cannot beat the k-th best score, so its blocks
    /// are never decoded; otherwise moves to the next match and scores it if its own bound
    /// can. Ties never enter (documents arrive in order), hence `≤` skips.
    ///
    /// Adds the documents it scored and stood on to `tally`.
    private func skim(
        _ matcher: any Matcher,
        segment: Int,
        from start: UInt32,
        into collector: inout TopKCollector,
        tally: inout Tally,
        deadline: QueryDeadline
    ) {
        let view = snapshot.segments[segment]
        var target = start
        while target != noMoreDocs {
            if deadline.tick() { break }
            // Until the page is full every match may enter.
            var threshold = collector.isFull ? collector.threshold : -Float.infinity
            let windowEnd = matcher.advanceShallow(to: target)
            let bound = matcher.maxScore()
            if bound <= threshold {
                if windowEnd == noMoreDocs { break }
                target = windowEnd + 1
                continue
            }
            // A window that may hold a competitor: its documents one after the other, until
            // the k-th score rises past the window's bound.
            var doc = matcher.advance(to: target)
            while doc <= windowEnd && doc != noMoreDocs {
                if deadline.tick() { break }
                tally.visited += 1
                if !view.isDeleted(doc) && matcher.scoreUpperBound() > threshold {
                    tally.scored += 1
                    collector.offer(.init(score: matcher.score(), segment: segment, doc: doc))
                    if collector.isFull {
                        threshold = collector.threshold
                        if bound <= threshold { break }
                    }
                }
                doc = matcher.nextCompetitive(after: doc, threshold: threshold, windowEnd: windowEnd)
            }
            if doc == noMoreDocs { break }
            // Past the window (check the next one's bound first), or the rest of this one is beaten.
            target = doc <= windowEnd ? (windowEnd == noMoreDocs ? noMoreDocs : windowEnd + 1) : doc
        }
    }

    /// The exact number of live documents matching `text`, without scoring.
    ///
    /// - Throws: `QueryError`, `SearchError` (timeout past `deadline`, over-broad prefix),
    ///   `SearchError.corrupt`/`.io` as `search`.
    public func count(_ text: String, deadline: ContinuousClock.Instant? = nil) throws -> Int {
        let query = try parser.parse(text)
        var total = 0
        try SearchError.reportingFormatErrors {
            let weight = try makeWeight(query, QueryDeadline(deadline), scoring: false)
            for segment in snapshot.segments.indices {
                if let known = try weight.knownMatchCount(segment: segment) {
                    total += known
                    continue
                }
                let view = snapshot.segments[segment]
                let matcher = try weight.scorer(segment: segment)
                var doc = matcher.doc
                while doc != noMoreDocs {
                    if weight.deadline.tick() { break }
                    if !view.isDeleted(doc) { total += 1 }
                    doc = matcher.next()
                }
                try weight.deadline.throwIfExpired()
            }
        }
        return total
    }

    /// Whether `text` is cheap enough to run on the thread the request arrived on, without a
    /// hand-off to a search thread: it reads no stored document (no snippets, no fields) and
    /// its terms' postings lists hold at most `budget` postings in all — found by dictionary
    /// lookups alone; a prefix or lone CJK character counts only if its union list is cached
    /// (else it is not cheap). A query that does not parse is cheap (its error is).
    public func isCheap(_ text: String, options: SearchOptions, budget: Int) -> Bool {
        guard !options.snippets, options.fields == nil, let query = try? parser.parse(text) else {
            return !options.snippets && options.fields == nil
        }
        var postings = 0
        // Dictionary lookups are cheap, but not free: a query that needs many is not cheap.
        var lookups = 0
        func visit(_ query: Query) -> Bool {
            if let leaf = QueryLeaf(query, analyzer: analyzer) { return visit(leaf) }
            switch query {
            case .term, .phrase, .prefix: return true  // a leaf, visited above
            case .and(let children), .or(let children): return children.allSatisfy(visit)
            case .not(let child): return visit(child)
            }
        }
        func visit(_ leaf: QueryLeaf) -> Bool {
            for view in snapshot.segments {
                let reader = view.reader
                for name in leaf.field.map({ [$0] }) ?? reader.meta.fieldNames {
                    guard let number = reader.meta.fieldNumber(name) else { continue }
                    for slot in leaf.slots {
                        lookups += 1
                        if lookups > Self.cheapLookups { return false }
                        switch slot {
                        case .term(let term):
                            let key = SegmentReader.key(field: UInt8(number), term: term)
                            guard let info = try? reader.dictionary.lookup(key) else { continue }
                            postings += Int(info.documentFrequency)
                        case .prefix:
                            let key = ExpandedPostingsCache.Key(reader: reader.serial, field: UInt8(number), slot: slot)
                            guard let list = ExpandedPostingsCache.shared.postings(key) else { return false }
                            postings += list.docs.count
                        }
                        if postings > budget { return false }
                    }
                }
            }
            return true
        }
        return visit(query)
    }

    /// The most dictionary lookups `isCheap` makes before it answers no.
    static let cheapLookups = 64

    /// The live document with external id `id`.
    ///
    /// - Throws: `SearchError.corrupt`/`.io` if reading the index files fails.
    public func document(id: String) throws -> Document? {
        try SearchError.reportingFormatErrors { try snapshot.document(id: id) }
    }

    /// The query's weight: leaves analyzed and statistics gathered once, then a scorer per segment.
    private func makeWeight(_ query: Query, _ deadline: QueryDeadline, scoring: Bool) throws -> QueryWeight {
        try QueryWeight(
            query: query,
            terms: TermLookup(snapshot: snapshot, maxExpansions: maxExpansions, deadline: deadline),
            parameters: parameters,
            boosts: boosts,
            analyzer: analyzer,
            scoring: scoring
        )
    }

    private static func select(_ names: [String]?, from document: Document) -> [Document.Field] {
        guard let names else { return [] }
        if names.contains("*") { return document.fields }
        return document.fields.filter { names.contains($0.name) }
    }
}

/// Documents a search scored and stood on (`SearchResult.scoredDocuments`, `visitedDocuments`).
struct Tally {
    var scored = 0
    var visited = 0
}

/// Counts visited matches exactly up to a threshold; past it the count stops there, a lower
/// bound. Matches counted without visiting (a single slot's document frequency) are added
/// exactly whatever their number.
struct MatchCounter {
    let threshold: Int?
    private(set) var total = 0
    private(set) var isExact = true

    init(threshold: Int?) {
        self.threshold = threshold.map { max(0, $0) }
    }

    /// One more match found by visiting it.
    mutating func add() {
        guard isExact else { return }
        if let threshold, total >= threshold {
            isExact = false
        } else {
            total += 1
        }
    }

    /// `known` more matches counted without visiting them (another segment's, exact).
    mutating func add(known: Int) {
        total += known
    }
}
