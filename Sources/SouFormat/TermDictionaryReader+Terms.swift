extension TermDictionaryReader {
    /// The terms that start with a prefix, in order, pulled one at a time: a merge walks the
    /// dictionaries of several segments side by side.
    public struct Terms {
        private let dictionary: TermDictionaryReader
        private let prefix: [UInt8]
        private var nextBlock: Int
        private var block: ByteReader?
        private var isFinished = false
        /// The current key (field number byte + term); valid after `next()` returned true.
        public private(set) var key: [UInt8] = []
        /// The current term's postings; valid after `next()` returned true.
        public private(set) var info = TermInfo(
            documentFrequency: 0,
            postingsOffset: 0,
            positionsOffset: 0,
            totalTermFrequency: 0
        )

        fileprivate init(dictionary: TermDictionaryReader, prefix: [UInt8], firstBlock: Int) {
            self.dictionary = dictionary
            self.prefix = prefix
            nextBlock = firstBlock
            key.reserveCapacity(64)
        }

        /// Moves to the next term with the prefix.
        /// - Returns: false once past the last one (and on every later call).
        /// - Throws: `FormatError` for a malformed block.
        public mutating func next() throws -> Bool {
            while !isFinished {
                guard var reader = block, !reader.isAtEnd else {
                    if nextBlock < dictionary.blockCount {
                        block = try dictionary.blockReader(nextBlock)
                        nextBlock += 1
                    } else {
                        isFinished = true
                    }
                    continue
                }
                let shared = try reader.readVarintInt(limit: key.count)
                let suffixLength = try reader.readVarintInt(limit: reader.remaining)
                let suffix = try reader.readBytes(suffixLength)
                key.removeLast(key.count - shared)
                key.append(contentsOf: suffix)
                info = try TermInfo.decode(from: &reader)
                block = reader
                if key.starts(with: prefix) { return true }
                if prefix.lexicographicallyPrecedes(key) { isFinished = true }  // past every key with the prefix
            }
            return false
        }
    }

    /// The terms that start with `prefix` (empty: every term), in unsigned byte order.
    /// - Throws: `FormatError` for a malformed block index.
    /// - Complexity: O(log(blocks)) to start, then O(1) amortized per `next()`.
    public func terms(withPrefix prefix: [UInt8]) throws -> Terms {
        let first = blockCount == 0 ? 0 : try prefix.withUnsafeBytes { try lastBlock(withFirstKeyAtMost: $0) }
        return Terms(dictionary: self, prefix: prefix, firstBlock: max(first, 0))
    }
}
