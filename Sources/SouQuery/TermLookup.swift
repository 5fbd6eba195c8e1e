import SouAnalysis
import SouFormat
import SouIndex

/// What one query reads from a snapshot's term dictionaries and postings, looked up once
/// per query: the terms a slot stands for per segment and field, the cached union list of
/// an expanded slot (`ExpandedPostings`), and live document frequencies.
///
/// Shared by a query's weight (statistics) and its per-segment scorers (matchers); every
/// walk ticks the query's deadline. Not thread-safe: one per query.
final class TermLookup {
    let snapshot: Snapshot
    /// A prefix (or lone CJK character) may expand to at most this many terms per segment.
    let maxExpansions: Int
    let deadline: QueryDeadline

    private var termCache: [TermKey: [TermInfo]] = [:]
    /// Expanded slots this query used (each looked up in the shared cache once).
    private var expanded: [ExpandedPostingsCache.Key: ExpandedPostings] = [:]

    private struct TermKey: Hashable {
        var segment: Int
        var field: UInt8
        var slot: QuerySlot
    }

    init(snapshot: Snapshot, maxExpansions: Int, deadline: QueryDeadline) {
        self.snapshot = snapshot
        self.maxExpansions = maxExpansions
        self.deadline = deadline
    }

    /// - Throws: `SearchError.timeout` past the deadline (a common term's postings are long).
    func liveDocumentFrequency(_ info: TermInfo, segment: Int) throws -> Int {
        let view = snapshot.segments[segment]
        guard view.deletions != nil else { return Int(info.documentFrequency) }
        var cursor = view.reader.postings.cursor(for: info)
        var live = 0
        while cursor.doc != noMoreDocs {
            try deadline.tickOrThrow()
            if !view.isDeleted(cursor.doc) { live += 1 }
            _ = cursor.next()
        }
        return live
    }

    /// The live documents of segment `segment` that hold at least one of the terms of an
    /// expanded slot (summing the terms' dfs would count a document once per term it holds
    /// and can exceed N): the length of its expanded postings, minus deleted documents.
    func liveUnionDocumentFrequency(
        _ infos: [TermInfo],
        segment: Int,
        field: UInt8,
        slot: QuerySlot
    ) throws
        -> Int
    {
        let view = snapshot.segments[segment]
        let postings = try expandedPostings(infos, segment: segment, field: field, slot: slot)
        guard view.deletions != nil else { return postings.docs.count }
        return postings.liveCount { view.isDeleted($0) }
    }

    /// The union of `infos` (the terms of `slot` in one segment's field) as one postings list:
    /// from this plan, from ``ExpandedPostingsCache``, or built and cached.
    func expandedPostings(
        _ infos: [TermInfo],
        segment: Int,
        field: UInt8,
        slot: QuerySlot
    ) throws
        -> ExpandedPostings
    {
        let reader = snapshot.segments[segment].reader
        let key = ExpandedPostingsCache.Key(reader: reader.serial, field: field, slot: slot)
        if let known = expanded[key] { return known }
        let postings: ExpandedPostings
        if let cached = ExpandedPostingsCache.shared.postings(key) {
            postings = cached
        } else {
            postings = try ExpandedPostings(
                terms: infos,
                cursors: infos.map { reader.postings.cursor(for: $0) },
                documentCount: reader.documentCount,
                norms: reader.norms,
                field: Int(field),
                file: reader.postings.postingsFile.name,
                deadline: deadline
            )
            ExpandedPostingsCache.shared.insert(postings, for: key)
        }
        expanded[key] = postings
        return postings
    }

    /// The dictionary entries a slot stands for in one segment's field (cached).
    ///
    /// - Throws: `SearchError.tooManyTerms` past `maxExpansions`, `SearchError.timeout` past
    ///   the deadline, `FormatError` for a corrupt dictionary.
    func terms(segment: Int, field: UInt8, slot: QuerySlot) throws -> [TermInfo] {
        let key = TermKey(segment: segment, field: field, slot: slot)
        if let cached = termCache[key] { return cached }
        let dictionary = snapshot.segments[segment].reader.dictionary
        var found: [TermInfo] = []
        switch slot {
        case .term(let term):
            if let info = try dictionary.lookup(SegmentReader.key(field: field, term: term)) { found.append(info) }
        case .prefix(let prefix, let maxCharacters):
            let limit = maxExpansions
            // A slot whose union list is cached: its terms without walking the dictionary.
            let cacheKey = ExpandedPostingsCache.Key(
                reader: snapshot.segments[segment].reader.serial,
                field: field,
                slot: slot
            )
            if let cached = ExpandedPostingsCache.shared.postings(cacheKey) {
                if cached.terms.count > limit { throw SearchError.tooManyTerms(prefix: prefix, limit: limit) }
                termCache[key] = cached.terms
                expanded[cacheKey] = cached
                return cached.terms
            }
            try dictionary.enumerate(prefix: SegmentReader.key(field: field, term: prefix)) { key, info in
                try deadline.tickOrThrow()
                // A lone CJK character: its bigrams and unigram, not a longer character that
                // merely starts with the same bytes (a base plus a combining mark).
                if maxCharacters != nil, !slot.matches(String(decoding: key.dropFirst(), as: UTF8.self)) {
                    return true
                }
                if found.count == limit { throw SearchError.tooManyTerms(prefix: prefix, limit: limit) }
                found.append(info)
                return true
            }
        }
        termCache[key] = found
        return found
    }
}
