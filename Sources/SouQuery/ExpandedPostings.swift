import SouFormat

/// The union of the postings of every term a slot expands to (`word*`, a lone CJK character:
/// its bigrams and unigram) in one field of one segment, as one in-memory postings list:
/// each document once, its frequency the sum of the terms' frequencies, with block-max
/// metadata per `blockSize` documents.
///
/// Built once by walking doc ids and frequencies (never positions) and then shared through
/// ``ExpandedPostingsCache``: a query for the slot is then as cheap as one for a single term,
/// its document frequency is exact without a second walk, and block-max pruning skips
/// whole blocks of it (bounded by each block's full set of impacts, so exactly). Immutable
/// once built.
final class ExpandedPostings: Sendable {
    static let blockSize = 128

    /// Document ids, increasing (deleted documents included, as in the segment's postings).
    let docs: [UInt32]
    /// Per document: the sum of its terms' frequencies.
    let frequencies: [UInt32]
    /// Per block of `blockSize` documents: its last doc, and where its impacts start in
    /// `impactFrequencies` / `impactFieldLengths` (they end where the next block's start).
    let blockLastDocs: [UInt32]
    let blockImpactStarts: [UInt32]
    /// Per block, the whole Pareto front of its (higher frequency, shorter field) pairs: the
    /// block's best score is exactly the best score of one of them (docs/FORMAT.md §3.2).
    let impactFrequencies: [UInt32]
    let impactFieldLengths: [UInt32]
    /// The dictionary terms the slot expanded to, so that a query reusing the list needs no
    /// dictionary walk (checked against `maxExpansions` on reuse).
    let terms: [TermInfo]

    /// Bytes held (for the cache's budget).
    var byteSize: Int {
        64 + docs.count * 8 + blockLastDocs.count * 8 + impactFrequencies.count * 8 + terms.count * 32
    }

    /// Walks `cursors` (fresh, of one field of one segment) into one list.
    ///
    /// - Parameter terms: the dictionary entries `cursors` were opened for.
    /// - Parameters:
    ///   - documentCount: the segment's documents; a doc id at or past it is corruption.
    ///   - file: the postings file's name, for errors.
    /// - Throws: `SearchError.timeout` past the deadline (ticked per posting),
    ///   `FormatError.corrupt` for a doc id past the segment or an undecodable postings list.
    init(
        terms: [TermInfo],
        cursors: [PostingsCursor],
        documentCount: Int,
        norms: FieldNormsReader,
        field: Int,
        file: String,
        deadline: QueryDeadline
    ) throws {
        self.terms = terms
        let postings = cursors.reduce(0) { $0 + Int($1.documentFrequency) }
        var cursors = cursors
        var docs: [UInt32] = []
        var frequencies: [UInt32] = []
        func corrupt(_ reason: String) -> FormatError { .corrupt(file: file, reason: reason) }
        if postings >= documentCount / 16 {
            // Many postings: sum frequencies into one counter per document, then collect.
            var sums = [UInt32](repeating: 0, count: documentCount)
            try sums.withUnsafeMutableBufferPointer { sums in
                for index in cursors.indices {
                    while cursors[index].doc != noMoreDocs {
                        try deadline.tickOrThrow()
                        let doc = Int(cursors[index].doc)
                        guard doc < documentCount else {
                            throw corrupt("doc \(doc) past the segment's \(documentCount) documents")
                        }
                        let (sum, overflow) = sums[doc].addingReportingOverflow(cursors[index].frequency)
                        sums[doc] = overflow ? .max : sum
                        _ = cursors[index].next()
                    }
                }
            }
            docs.reserveCapacity(min(postings, documentCount))
            frequencies.reserveCapacity(min(postings, documentCount))
            for doc in 0..<documentCount where sums[doc] != 0 {
                docs.append(UInt32(doc))
                frequencies.append(sums[doc])
            }
        } else {
            // Few postings in a large segment: sort (doc, frequency) pairs instead.
            var pairs: [UInt64] = []
            pairs.reserveCapacity(postings)
            for index in cursors.indices {
                while cursors[index].doc != noMoreDocs {
                    try deadline.tickOrThrow()
                    let doc = cursors[index].doc
                    guard Int(doc) < documentCount else {
                        throw corrupt("doc \(doc) past the segment's \(documentCount) documents")
                    }
                    pairs.append(UInt64(doc) << 32 | UInt64(cursors[index].frequency))
                    _ = cursors[index].next()
                }
            }
            pairs.sort()
            for pair in pairs {
                let doc = UInt32(truncatingIfNeeded: pair >> 32)
                let frequency = UInt32(truncatingIfNeeded: pair)
                if let last = docs.last, last == doc {
                    let (sum, overflow) = frequencies[frequencies.count - 1].addingReportingOverflow(frequency)
                    frequencies[frequencies.count - 1] = overflow ? .max : sum
                } else {
                    docs.append(doc)
                    frequencies.append(frequency)
                }
            }
        }
        if cursors.contains(where: \.isCorrupt) { throw corrupt("a postings list does not decode") }
        var lastDocs: [UInt32] = []
        var starts: [UInt32] = []
        var frontFrequencies: [UInt32] = []
        var frontLengths: [UInt32] = []
        var block: [(frequency: UInt32, length: UInt32)] = []
        var start = 0
        while start < docs.count {
            let end = min(start + Self.blockSize, docs.count)
            block.removeAll(keepingCapacity: true)
            for i in start..<end { block.append((frequencies[i], norms.length(doc: docs[i], field: field))) }
            block.sort { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.length < $1.length }
            lastDocs.append(docs[end - 1])
            starts.append(UInt32(frontFrequencies.count))
            var shortest = UInt32.max
            for pair in block where pair.length < shortest {
                frontFrequencies.append(pair.frequency)
                frontLengths.append(pair.length)
                shortest = pair.length
            }
            start = end
        }
        self.docs = docs
        self.frequencies = frequencies
        blockLastDocs = lastDocs
        blockImpactStarts = starts
        impactFrequencies = frontFrequencies
        impactFieldLengths = frontLengths
    }

    /// The documents of the list that `isDeleted` does not reject.
    ///
    /// Indexes the buffer directly: `for … in` an array goes through `IndexingIterator`,
    /// which allocates per element when unspecialized (debug builds).
    func liveCount(isDeleted: (UInt32) -> Bool) -> Int {
        docs.withUnsafeBufferPointer { docs in
            var live = 0
            var index = 0
            while index < docs.count {
                if !isDeleted(docs[index]) { live += 1 }
                index += 1
            }
            return live
        }
    }
}

/// Iterates an ``ExpandedPostings`` as a matcher, scored with BM25 like ``TermUnionMatcher``
/// (the same frequencies, so the same scores), bounded per block.
final class ExpandedPostingsMatcher: Matcher {
    private let postings: ExpandedPostings
    private let weight: BM25Weight
    private let norms: FieldNormsReader
    private let field: Int
    private var index = 0
    /// The block `advanceShallow` found (`blockLastDocs.count` past the end).
    private var window = 0
    private(set) var doc: UInt32
    var cost: Int { postings.docs.count }

    init(postings: ExpandedPostings, weight: BM25Weight, norms: FieldNormsReader, field: Int) {
        self.postings = postings
        self.weight = weight
        self.norms = norms
        self.field = field
        doc = postings.docs.first ?? noMoreDocs
    }

    func next() -> UInt32 {
        guard doc != noMoreDocs else { return doc }
        index += 1
        doc = index < postings.docs.count ? postings.docs[index] : noMoreDocs
        return doc
    }

    /// Gallops from the current document, then binary-searches the bracketed range.
    func advance(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        let docs = postings.docs
        var low = index + 1
        var step = 1
        var high = low
        while high < docs.count && docs[high] < target {
            low = high + 1
            high += step
            step *= 2
        }
        high = min(high, docs.count)
        while low < high {
            let middle = (low + high) / 2
            if docs[middle] < target { low = middle + 1 } else { high = middle }
        }
        index = low
        doc = index < docs.count ? docs[index] : noMoreDocs
        return doc
    }

    func score() -> Float {
        weight.score(frequency: postings.frequencies[index], fieldLength: norms.length(doc: doc, field: field))
    }

    /// The bound of the current document's block, computed once per block.
    func scoreUpperBound() -> Float {
        guard doc != noMoreDocs else { return 0 }
        let block = index / ExpandedPostings.blockSize
        if block != boundBlock {
            boundBlock = block
            cachedBound = bound(ofBlock: block)
        }
        return cachedBound
    }

    private var boundBlock = -1
    private var cachedBound: Float = 0

    func advanceShallow(to target: UInt32) -> UInt32 {
        let lastDocs = postings.blockLastDocs
        var block = max(window, min(index / ExpandedPostings.blockSize, lastDocs.count))
        if block > 0 && lastDocs[min(block, lastDocs.count) - 1] >= target {
            // An earlier call went further than `target`: restart from the current block.
            block = min(index / ExpandedPostings.blockSize, lastDocs.count)
        }
        while block < lastDocs.count && lastDocs[block] < target { block += 1 }
        window = block
        return block < lastDocs.count ? lastDocs[block] : noMoreDocs
    }

    func maxScore() -> Float {
        window < postings.blockLastDocs.count ? bound(ofBlock: window) : 0
    }

    /// The best score of the block's impacts: exactly its best document's score, inflated by the slack.
    private func bound(ofBlock block: Int) -> Float {
        let start = Int(postings.blockImpactStarts[block])
        let end =
            block + 1 < postings.blockImpactStarts.count
            ? Int(postings.blockImpactStarts[block + 1]) : postings.impactFrequencies.count
        var best: Float = 0
        for i in start..<end {
            best = max(
                best,
                weight.score(frequency: postings.impactFrequencies[i], fieldLength: postings.impactFieldLengths[i])
            )
        }
        return TermMatcher.slack * best
    }
}
