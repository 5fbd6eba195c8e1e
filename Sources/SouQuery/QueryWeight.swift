import SouAnalysis
import SouFormat
import SouIndex

/// A query bound to a snapshot, as Lucene's `Weight` and tantivy's `Weight`: every leaf
/// analyzed once and its BM25 weight per field computed once from snapshot-wide statistics,
/// when the weight is built; `scorer(segment:)` then builds one segment's matcher tree from
/// them (Lucene's `Weight.scorer(LeafReaderContext)`), and nothing is re-analyzed per segment.
///
/// Statistics count live documents only: N is the snapshot's live documents, a slot's df the
/// live documents containing it (postings are walked in segments that have deletions; a slot
/// that expands to several terms — `word*`, a lone CJK character — counts each document once,
/// however many of its terms it holds), a field's average length is over live documents that
/// have the field. Excluded (`NOT`) leaves and a weight built for counting only get no
/// statistics at all.
final class QueryWeight {
    /// The query's tree with its leaves analyzed and weighted.
    indirect enum Node {
        case leaf(WeightedLeaf)
        case or([Node])
        /// `positives` AND NOT any of `negatives` (the parser puts a NOT only beside a positive).
        case and(positives: [Node], negatives: [Node])
    }

    /// An analyzed leaf and its BM25 weight in each field it is searched in.
    struct WeightedLeaf {
        let leaf: QueryLeaf
        /// The leaf's field, or every field of the snapshot; with the weight of the leaf there.
        let fields: [(name: String, weight: BM25Weight)]
    }

    let root: Node
    let terms: TermLookup
    var deadline: QueryDeadline { terms.deadline }

    /// - Parameter scoring: false for a weight that only counts matches (`COUNT`): no
    ///   statistics are gathered (no live-df or union postings walks), every weight is a placeholder.
    /// - Throws: `QueryError.onlyNegative` for a NOT outside an AND; `SearchError` (timeout,
    ///   over-broad prefix) and `FormatError` from gathering statistics.
    init(
        query: Query,
        terms: TermLookup,
        parameters: BM25Parameters,
        boosts: [String: Float],
        analyzer: Analyzer,
        scoring: Bool
    ) throws {
        self.terms = terms
        let statistics = Statistics(
            terms: terms,
            parameters: parameters,
            boosts: boosts,
            allFields: Set(terms.snapshot.segments.flatMap { $0.reader.meta.fieldNames }).sorted()
        )
        func node(_ query: Query, scored: Bool) throws -> Node {
            if let leaf = QueryLeaf(query, analyzer: analyzer) { return .leaf(try statistics.weigh(leaf, scored)) }
            switch query {
            case .term, .phrase, .prefix:
                preconditionFailure("a leaf")
            case .or(let children):
                return .or(try children.map { try node($0, scored: scored) })
            case .and(let children):
                var positives: [Node] = []
                var negatives: [Node] = []
                for child in children {
                    if case .not(let excluded) = child {
                        negatives.append(try node(excluded, scored: false))
                    } else {
                        positives.append(try node(child, scored: scored))
                    }
                }
                if positives.isEmpty { throw QueryError.onlyNegative }
                return .and(positives: positives, negatives: negatives)
            case .not:
                // The parser only places NOT inside AND next to a positive clause.
                throw QueryError.onlyNegative
            }
        }
        root = try node(query, scored: scoring)
    }

    // MARK: scorers

    /// The matcher of the query over segment number `segment`.
    func scorer(segment: Int) throws -> any Matcher {
        try scorer(root, segment: segment)
    }

    private func scorer(_ node: Node, segment: Int) throws -> any Matcher {
        switch node {
        case .leaf(let weighted):
            return try scorer(weighted, segment: segment)
        case .or(let children):
            let matchers = try children.map { try scorer($0, segment: segment) }.filter { $0.doc != noMoreDocs }
            if matchers.isEmpty { return EmptyMatcher() }
            return matchers.count == 1 ? matchers[0] : DisjunctionMatcher(children: matchers, deadline: deadline)
        case .and(let positiveNodes, let negativeNodes):
            var positives: [any Matcher] = []
            for child in positiveNodes {
                let positive = try scorer(child, segment: segment)
                if positive.doc == noMoreDocs { return EmptyMatcher() }
                positives.append(positive)
            }
            var result: any Matcher =
                positives.count == 1 ? positives[0] : ConjunctionMatcher(children: positives, deadline: deadline)
            let negatives = try negativeNodes.map { try scorer($0, segment: segment) }.filter { $0.doc != noMoreDocs }
            if !negatives.isEmpty {
                let negative: any Matcher =
                    negatives.count == 1 ? negatives[0] : DisjunctionMatcher(children: negatives, deadline: deadline)
                result = ExclusionMatcher(positive: result, negative: negative, deadline: deadline)
            }
            return result
        }
    }

    /// A leaf in one segment: the OR of its per-field matchers.
    private func scorer(_ weighted: WeightedLeaf, segment: Int) throws -> any Matcher {
        let leaf = weighted.leaf
        if leaf.isEmpty { return EmptyMatcher() }
        let reader = terms.snapshot.segments[segment].reader
        var perField: [any Matcher] = []
        for (name, weight) in weighted.fields {
            guard let number = reader.meta.fieldNumber(name) else { continue }
            if let matcher = try scorer(leaf, segment: segment, field: number, weight: weight) {
                perField.append(matcher)
            }
        }
        if perField.isEmpty { return EmptyMatcher() }
        return perField.count == 1 ? perField[0] : DisjunctionMatcher(children: perField, deadline: deadline)
    }

    private func scorer(_ leaf: QueryLeaf, segment: Int, field: Int, weight: BM25Weight) throws -> (any Matcher)? {
        let reader = terms.snapshot.segments[segment].reader
        if leaf.slots.count == 1 {
            // A lone slot of several terms (`word*`, a lone CJK character): one cached list.
            let infos = try terms.terms(segment: segment, field: UInt8(field), slot: leaf.slots[0])
            if infos.count > 1 {
                let postings = try terms.expandedPostings(
                    infos,
                    segment: segment,
                    field: UInt8(field),
                    slot: leaf.slots[0]
                )
                return ExpandedPostingsMatcher(postings: postings, weight: weight, norms: reader.norms, field: field)
            }
        }
        var slots: [any PositionedMatcher] = []
        for slot in leaf.slots {
            let infos = try terms.terms(segment: segment, field: UInt8(field), slot: slot)
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

    /// The number of live matches in segment `segment` when it can be had without matching
    /// and scoring documents one by one: for a term, phrase or prefix of one slot. In a segment
    /// without deletions whose only field holding it is one, that is its document frequency
    /// (or its expanded list's length), O(1); otherwise the live documents of the union of its
    /// fields' lists, counted by merging doc ids (no positions, no scores). nil for anything
    /// else (several slots, boolean nodes): its matches must be visited.
    ///
    /// - Throws: `SearchError.timeout` past the deadline (ticked per document merged);
    ///   `FormatError.corrupt` for a postings list that does not decode.
    func knownMatchCount(segment: Int) throws -> Int? {
        guard case .leaf(let weighted) = root else { return nil }
        let leaf = weighted.leaf
        if leaf.isEmpty { return 0 }
        guard leaf.slots.count == 1 else { return nil }
        let view = terms.snapshot.segments[segment]
        let slot = leaf.slots[0]
        var cursors: [PostingsCursor] = []
        var lists: [[UInt32]] = []
        var count = 0
        for (name, _) in weighted.fields {
            guard let number = view.reader.meta.fieldNumber(name) else { continue }
            let infos = try terms.terms(segment: segment, field: UInt8(number), slot: slot)
            switch infos.count {
            case 0: continue
            case 1:
                cursors.append(view.reader.postings.cursor(for: infos[0]))
                count = Int(infos[0].documentFrequency)
            default:
                let docs = try terms.expandedPostings(infos, segment: segment, field: UInt8(number), slot: slot).docs
                lists.append(docs)
                count = docs.count
            }
        }
        if cursors.count + lists.count <= 1 && view.deletions == nil {
            return cursors.count + lists.count == 0 ? 0 : count
        }
        return try liveUnionCount(cursors: &cursors, lists: lists, view: view)
    }

    /// The live documents that any of `cursors` or `lists` holds, by a k-way merge of doc ids.
    private func liveUnionCount(cursors: inout [PostingsCursor], lists: [[UInt32]], view: SegmentView) throws -> Int {
        var next = [Int](repeating: 0, count: lists.count)
        var live = 0
        while true {
            try deadline.tickOrThrow()
            var smallest = noMoreDocs
            for index in 0..<cursors.count { smallest = min(smallest, cursors[index].doc) }
            for index in 0..<lists.count where next[index] < lists[index].count {
                smallest = min(smallest, lists[index][next[index]])
            }
            if smallest == noMoreDocs { break }
            if !view.isDeleted(smallest) { live += 1 }
            for index in 0..<cursors.count where cursors[index].doc == smallest { _ = cursors[index].next() }
            for index in 0..<lists.count where next[index] < lists[index].count && lists[index][next[index]] == smallest
            {
                next[index] += 1
            }
        }
        for index in 0..<cursors.count where cursors[index].isCorrupt {
            throw FormatError.corrupt(
                file: view.reader.postings.postingsFile.name,
                reason: "a postings list does not decode"
            )
        }
        return live
    }
}

extension QueryWeight {
    /// Snapshot-wide BM25 statistics of leaves, gathered once per (leaf, field).
    final class Statistics {
        let terms: TermLookup
        let parameters: BM25Parameters
        let boosts: [String: Float]
        /// Every field name in any segment of the snapshot, sorted.
        let allFields: [String]
        let documentCount: Int
        private var cache: [Key: BM25Weight] = [:]

        private struct Key: Hashable {
            var leaf: QueryLeaf
            var field: String
        }

        init(terms: TermLookup, parameters: BM25Parameters, boosts: [String: Float], allFields: [String]) {
            self.terms = terms
            self.parameters = parameters
            self.boosts = boosts
            self.allFields = allFields
            documentCount = terms.snapshot.liveDocumentCount
        }

        /// `leaf` with its weight in each field it is searched in (placeholders if not `scored`).
        func weigh(_ leaf: QueryLeaf, _ scored: Bool) throws -> WeightedLeaf {
            let names = leaf.field.map { [$0] } ?? allFields
            let placeholder = BM25Weight(idf: 0, boost: 1, averageLength: 1, parameters: parameters)
            guard scored, !leaf.isEmpty else {
                return WeightedLeaf(leaf: leaf, fields: names.map { ($0, placeholder) })
            }
            return WeightedLeaf(leaf: leaf, fields: try names.map { ($0, try weight(of: leaf, field: $0)) })
        }

        /// The BM25 weight of `leaf` in field `field`, from snapshot-wide statistics.
        func weight(of leaf: QueryLeaf, field: String) throws -> BM25Weight {
            let key = Key(leaf: leaf, field: field)
            if let cached = cache[key] { return cached }
            let snapshot = terms.snapshot
            // A phrase's idf is the sum of its slots' idfs; each slot's df is the number of live
            // documents containing the slot (for an expanded slot: any of its terms).
            var idf: Float = 0
            for slot in leaf.slots {
                var df = 0
                for segment in snapshot.segments.indices {
                    guard let number = snapshot.segments[segment].reader.meta.fieldNumber(field) else { continue }
                    let infos = try terms.terms(segment: segment, field: UInt8(number), slot: slot)
                    switch infos.count {
                    case 0: break
                    case 1: df += try terms.liveDocumentFrequency(infos[0], segment: segment)
                    default:
                        df += try terms.liveUnionDocumentFrequency(
                            infos,
                            segment: segment,
                            field: UInt8(number),
                            slot: slot
                        )
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
            cache[key] = weight
            return weight
        }
    }
}
