import SouAnalysis
import SouFormat
import SouIndex

/// A parsed query bound to one snapshot: snapshot-wide BM25 statistics, computed once,
/// and per-segment matchers built from them.
///
/// Statistics count live documents only: N is the snapshot's live documents, a slot's df
/// the live documents containing it (postings are walked in segments that have deletions;
/// a slot that expands to several terms — `word*`, a lone CJK character — counts each
/// document once, however many of its terms it holds), a field's average length is over
/// live documents that have the field.
final class QueryPlan {
    let snapshot: Snapshot
    let parameters: BM25Parameters
    let boosts: [String: Float]
    let analyzer: Analyzer
    let maxExpansions: Int
    /// Shared with the matchers built here: term expansion, live-df walks and candidate loops tick it.
    let deadline: QueryDeadline
    let documentCount: Int
    /// Every field name in any segment of the snapshot, sorted.
    let allFields: [String]
    /// False for a plan that only counts matches (`COUNT`): no statistics are gathered
    /// (no live-df or union-df postings walks), every weight is a placeholder.
    let scoring: Bool

    private var termCache: [TermKey: [TermInfo]] = [:]
    private var weightCache: [WeightKey: BM25Weight] = [:]
    /// Expanded slots this plan used (each looked up in the shared cache once).
    private var expanded: [ExpandedPostingsCache.Key: ExpandedPostings] = [:]

    private struct TermKey: Hashable {
        var segment: Int
        var field: UInt8
        var slot: QuerySlot
    }

    private struct WeightKey: Hashable {
        var leaf: QueryLeaf
        var field: String
    }

    init(
        snapshot: Snapshot,
        parameters: BM25Parameters,
        boosts: [String: Float],
        analyzer: Analyzer,
        maxExpansions: Int,
        deadline: QueryDeadline = QueryDeadline(nil),
        scoring: Bool = true
    ) {
        self.deadline = deadline
        self.scoring = scoring
        self.snapshot = snapshot
        self.parameters = parameters
        self.boosts = boosts
        self.analyzer = analyzer
        self.maxExpansions = maxExpansions
        documentCount = snapshot.liveDocumentCount
        allFields = Set(snapshot.segments.flatMap { $0.reader.meta.fieldNames }).sorted()
    }

    // MARK: matchers

    /// The matcher of `query` over segment number `segment`.
    func matcher(for query: Query, segment: Int) throws -> any Matcher {
        switch query {
        case .term(let field, let text), .phrase(let field, let text):
            return try matcher(for: QueryLeaf(field: field, text: text, analyzer: analyzer), segment: segment)
        case .prefix(let field, let text):
            return try matcher(for: QueryLeaf(field: field, prefix: text, analyzer: analyzer), segment: segment)
        case .or(let children):
            let matchers = try children.map { try matcher(for: $0, segment: segment) }.filter { $0.doc != noMoreDocs }
            if matchers.isEmpty { return EmptyMatcher() }
            return matchers.count == 1 ? matchers[0] : DisjunctionMatcher(children: matchers, deadline: deadline)
        case .and(let children):
            var positives: [any Matcher] = []
            var negatives: [any Matcher] = []
            for child in children {
                if case .not(let excluded) = child {
                    let negative = try matcher(for: excluded, segment: segment)
                    if negative.doc != noMoreDocs { negatives.append(negative) }
                } else {
                    let positive = try matcher(for: child, segment: segment)
                    if positive.doc == noMoreDocs { return EmptyMatcher() }
                    positives.append(positive)
                }
            }
            if positives.isEmpty { return EmptyMatcher() }
            var result: any Matcher =
                positives.count == 1 ? positives[0] : ConjunctionMatcher(children: positives, deadline: deadline)
            if !negatives.isEmpty {
                let negative: any Matcher =
                    negatives.count == 1 ? negatives[0] : DisjunctionMatcher(children: negatives, deadline: deadline)
                result = ExclusionMatcher(positive: result, negative: negative, deadline: deadline)
            }
            return result
        case .not:
            // The parser only places NOT inside AND next to a positive clause.
            throw QueryError.onlyNegative
        }
    }

    private func matcher(for leaf: QueryLeaf, segment: Int) throws -> any Matcher {
        if leaf.isEmpty { return EmptyMatcher() }
        let reader = snapshot.segments[segment].reader
        let fields = leaf.field.map { [$0] } ?? reader.meta.fieldNames
        var perField: [any Matcher] = []
        for name in fields {
            guard let number = reader.meta.fieldNumber(name) else { continue }
            let weight = try self.weight(of: leaf, field: name)
            if let matcher = try matcher(for: leaf, segment: segment, field: number, weight: weight) {
                perField.append(matcher)
            }
        }
        if perField.isEmpty { return EmptyMatcher() }
        return perField.count == 1 ? perField[0] : DisjunctionMatcher(children: perField, deadline: deadline)
    }

    private func matcher(for leaf: QueryLeaf, segment: Int, field: Int, weight: BM25Weight) throws -> (any Matcher)? {
        let reader = snapshot.segments[segment].reader
        if leaf.slots.count == 1 {
            // A lone slot of several terms (`word*`, a lone CJK character): one cached list.
            let infos = try terms(segment: segment, field: UInt8(field), slot: leaf.slots[0])
            if infos.count > 1 {
                let postings = try expandedPostings(infos, segment: segment, field: UInt8(field), slot: leaf.slots[0])
                return ExpandedPostingsMatcher(postings: postings, weight: weight, norms: reader.norms, field: field)
            }
        }
        var slots: [any PositionedMatcher] = []
        for slot in leaf.slots {
            let infos = try terms(segment: segment, field: UInt8(field), slot: slot)
            if infos.isEmpty { return nil }
            let cursors = infos.map { reader.postings.cursor(for: $0) }
            if cursors.count == 1 {
                slots.append(TermMatcher(cursor: cursors[0], weight: weight, norms: reader.norms, field: field))
            } else {
                slots.append(
                    TermUnionMatcher(
                        cursors: cursors,
                        weight: weight,
                        norms: reader.norms,
                        field: field,
                        deadline: deadline
                    )
                )
            }
        }
        if slots.count == 1 { return slots[0] }
        return PhraseMatcher(
            slots: slots,
            offsets: leaf.offsets,
            weight: weight,
            norms: reader.norms,
            field: field,
            deadline: deadline
        )
    }

    /// The number of live matches of `query` in segment `segment` when it is known without
    /// visiting them: a term, phrase or prefix of one slot that only one field of a segment
    /// without deletions holds — its document frequency (or its expanded list's length).
    /// nil when the matches must be walked.
    func knownMatchCount(of query: Query, segment: Int) throws -> Int? {
        let view = snapshot.segments[segment]
        guard view.deletions == nil else { return nil }
        let leaf: QueryLeaf
        switch query {
        case .term(let field, let text), .phrase(let field, let text):
            leaf = QueryLeaf(field: field, text: text, analyzer: analyzer)
        case .prefix(let field, let text):
            leaf = QueryLeaf(field: field, prefix: text, analyzer: analyzer)
        case .and, .or, .not:
            return nil
        }
        if leaf.isEmpty { return 0 }
        guard leaf.slots.count == 1 else { return nil }
        let slot = leaf.slots[0]
        var count = 0
        var fieldsHolding = 0
        for name in leaf.field.map({ [$0] }) ?? view.reader.meta.fieldNames {
            guard let number = view.reader.meta.fieldNumber(name) else { continue }
            let infos = try terms(segment: segment, field: UInt8(number), slot: slot)
            if infos.isEmpty { continue }
            fieldsHolding += 1
            if fieldsHolding > 1 { return nil }  // a document may hold it in both
            count =
                infos.count == 1
                ? Int(infos[0].documentFrequency)
                : try expandedPostings(infos, segment: segment, field: UInt8(number), slot: slot).docs.count
        }
        return count
    }

    // MARK: statistics

    /// The BM25 weight of `leaf` in field `field`, from snapshot-wide statistics.
    func weight(of leaf: QueryLeaf, field: String) throws -> BM25Weight {
        guard scoring else {
            return BM25Weight(idf: 0, boost: 1, averageLength: 1, parameters: parameters)
        }
        let key = WeightKey(leaf: leaf, field: field)
        if let cached = weightCache[key] { return cached }
        // A phrase's idf is the sum of its slots' idfs; each slot's df is the number of live
        // documents containing the slot (for an expanded slot: any of its terms).
        var idf: Float = 0
        for slot in leaf.slots {
            var df = 0
            for segment in snapshot.segments.indices {
                guard let number = snapshot.segments[segment].reader.meta.fieldNumber(field) else { continue }
                let infos = try terms(segment: segment, field: UInt8(number), slot: slot)
                switch infos.count {
                case 0: break
                case 1: df += try liveDocumentFrequency(infos[0], segment: segment)
                default:
                    df += try liveUnionDocumentFrequency(infos, segment: segment, field: UInt8(number), slot: slot)
                }
            }
            idf += BM25Weight.idf(documentFrequency: df, documentCount: documentCount)
        }
        var totalLength: UInt64 = 0
        var withField: UInt64 = 0
        for view in snapshot.segments {
            guard let number = view.reader.meta.fieldNumber(field) else { continue }
            totalLength += view.liveFieldStatistics[number].totalLength
            withField += UInt64(view.liveFieldStatistics[number].documentCount)
        }
        let average = withField > 0 ? Float(Double(totalLength) / Double(withField)) : 0
        let weight = BM25Weight(idf: idf, boost: boosts[field] ?? 1, averageLength: average, parameters: parameters)
        weightCache[key] = weight
        return weight
    }

    /// - Throws: `SearchError.timeout` past the deadline (a common term's postings are long).
    private func liveDocumentFrequency(_ info: TermInfo, segment: Int) throws -> Int {
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
    private func liveUnionDocumentFrequency(_ infos: [TermInfo], segment: Int, field: UInt8, slot: QuerySlot) throws
        -> Int
    {
        let view = snapshot.segments[segment]
        let postings = try expandedPostings(infos, segment: segment, field: field, slot: slot)
        guard view.deletions != nil else { return postings.docs.count }
        return postings.liveCount { view.isDeleted($0) }
    }

    /// The union of `infos` (the terms of `slot` in one segment's field) as one postings list:
    /// from this plan, from ``ExpandedPostingsCache``, or built and cached.
    func expandedPostings(_ infos: [TermInfo], segment: Int, field: UInt8, slot: QuerySlot) throws
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
