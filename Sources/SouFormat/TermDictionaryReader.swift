/// Reads a term dictionary written by `TermDictionaryWriter` straight from its mapping.
///
/// Nothing is loaded up front: `lookup(_:)` binary-searches the fixed-size block index,
/// comparing the target with each probed block's first key in place, then scans one
/// front-coded block without rebuilding keys. `enumerate(prefix:_:)` starts at the block
/// that can hold the prefix and stops at the first key past it. Layout: docs/FORMAT.md §5.
///
/// Safety of `@unchecked Sendable`: every stored property is a `let`; `body` points into
/// `file`'s read-only mapping, which this reader keeps alive and which is unmapped only when
/// the last reference to the `MappedFile` goes. Methods use only local state, so any number
/// of threads may call them at once.
public final class TermDictionaryReader: @unchecked Sendable {
    /// The mapping the reader reads from; kept alive as long as the reader.
    public let file: MappedFile
    /// Number of terms.
    public let count: Int

    private let body: UnsafeRawBufferPointer
    private let name: String
    private let indexOffset: Int
    let blockCount: Int

    /// Opens and checks a term dictionary.
    ///
    /// - Parameters:
    ///   - file: the mapped file.
    ///   - checks: `.structure` checks the trailer and the size of the block index (every
    ///     read checks the offsets of the block it reads); `.full` also verifies the checksum
    ///     and the order of every block offset (`verify()`).
    /// - Throws: `FormatError` if magic, version or checksum do not match, or the trailer and
    ///   block index are inconsistent.
    /// - Complexity: O(1) with `.structure`; O(file size) with `.full`.
    public init(file: MappedFile, checks: OpenChecks = .full) throws {
        let name = file.name
        let (range, _) = try FileFraming.verify(file.bytes, kind: .termDictionary, file: name, checksum: false)
        if checks == .full { try FileFraming.verifyChecksum(of: file) }
        let body = UnsafeRawBufferPointer(rebasing: file.bytes[range])
        guard body.count >= TermDictionaryLayout.trailerSize else {
            throw FormatError.truncated(file: name, offset: range.lowerBound + body.count)
        }
        let trailerOffset = body.count - TermDictionaryLayout.trailerSize
        var trailer = ByteReader(body, offset: trailerOffset, file: name)
        let indexOffset = try trailer.readUInt64()
        let termCount = try trailer.readUInt64()
        let blockCount = try trailer.readUInt32()
        let termsPerBlock = try trailer.readUInt32()
        // Every term takes at least six bytes, so a count above the body size is corrupt.
        guard termsPerBlock >= 1, termCount <= UInt64(body.count), indexOffset <= UInt64(trailerOffset) else {
            throw FormatError.corrupt(file: name, reason: "term dictionary trailer out of range")
        }
        let expectedBlocks = (termCount + UInt64(termsPerBlock) - 1) / UInt64(termsPerBlock)
        guard UInt64(blockCount) == expectedBlocks,
            UInt64(trailerOffset) - indexOffset == UInt64(blockCount) * UInt64(TermDictionaryLayout.indexEntrySize)
        else {
            throw FormatError.corrupt(
                file: name,
                reason: "\(termCount) terms, \(blockCount) blocks of \(termsPerBlock) and the index size disagree"
            )
        }
        self.file = file
        self.name = name
        self.body = body
        self.count = Int(termCount)
        self.blockCount = Int(blockCount)
        self.indexOffset = Int(indexOffset)
        if checks == .full { try checkBlockIndex() }
    }

    /// Verifies the checksum, then that block offsets start at 0, strictly increase and lie
    /// before the index.
    /// - Throws: `FormatError` naming the file.
    /// - Complexity: O(file size).
    public func verify() throws {
        try FileFraming.verifyChecksum(of: file)
        try checkBlockIndex()
    }

    private func checkBlockIndex() throws {
        var index = ByteReader(body, offset: indexOffset, file: name)
        var previous: UInt64? = nil
        for block in 0..<blockCount {
            let offset = try index.readUInt64()
            let valid = previous.map { offset > $0 } ?? (offset == 0)
            guard valid, offset < UInt64(indexOffset) else {
                throw FormatError.corrupt(file: name, reason: "block \(block) offset \(offset) out of order or range")
            }
            previous = offset
        }
    }

    /// Finds one term.
    ///
    /// - Parameter term: the full key (field number byte + UTF-8 term).
    /// - Returns: the term's `TermInfo`, or `nil` if the dictionary does not hold it.
    /// - Throws: `FormatError` if the block it lands in is malformed.
    /// - Complexity: O(log(blocks) + termsPerBlock) key comparisons; no allocation.
    public func lookup(_ term: [UInt8]) throws -> TermInfo? {
        guard blockCount > 0 else { return nil }
        return try term.withUnsafeBytes { target in
            let block = try lastBlock(withFirstKeyAtMost: target)
            guard block >= 0 else { return nil }
            return try scan(block: block, for: target)
        }
    }

    /// Visits, in order, every term that starts with `prefix`.
    ///
    /// - Parameters:
    ///   - prefix: the key prefix; empty visits every term.
    ///   - visit: called with each matching key and its `TermInfo`; return `false` to stop.
    /// - Throws: what `visit` throws, or `FormatError` for a malformed block.
    /// - Complexity: O(log(blocks) + termsPerBlock + matches). One key buffer is reused; it is
    ///   copied only if `visit` keeps it.
    public func enumerate(prefix: [UInt8], _ visit: (_ term: [UInt8], _ info: TermInfo) throws -> Bool) throws {
        var terms = try self.terms(withPrefix: prefix)
        while try terms.next() {
            guard try visit(terms.key, terms.info) else { return }
        }
    }

    // MARK: - Blocks

    /// A reader confined to block `block` (in `0..<blockCount`)'s bytes.
    ///
    /// - Throws: `FormatError.corrupt` if the block's offsets are out of order or past the index.
    func blockReader(_ block: Int) throws -> ByteReader {
        let start = body.loadUnaligned(fromByteOffset: indexOffset + block * 8, as: UInt64.self).littleEndian
        let end =
            block + 1 < blockCount
            ? body.loadUnaligned(fromByteOffset: indexOffset + (block + 1) * 8, as: UInt64.self).littleEndian
            : UInt64(indexOffset)
        // verify() checks 0 = offset[0] < offset[1] < … < indexOffset, but it may not have run yet
        // (`OpenChecks.structure`), and the mapping's bytes can change on disk after it did:
        // check the offsets here before they slice the mapping.
        guard start <= end, end <= UInt64(indexOffset) else {
            throw FormatError.corrupt(
                file: name,
                reason: "block \(block) spans \(start)..<\(end), outside the blocks (0..<\(indexOffset))"
            )
        }
        return ByteReader(UnsafeRawBufferPointer(rebasing: body[Int(start)..<Int(end)]), file: name)
    }

    /// Binary search: the last block whose first key is ≤ `target`, or -1 if `target` sorts
    /// before every key.
    func lastBlock(withFirstKeyAtMost target: UnsafeRawBufferPointer) throws -> Int {
        var low = 0
        var high = blockCount
        while low < high {
            let middle = (low + high) / 2
            var reader = try blockReader(middle)
            guard try reader.readVarint() == 0 else {
                throw FormatError.corrupt(file: name, reason: "block \(middle) does not start with a whole key")
            }
            let length = try reader.readVarintInt(limit: reader.remaining)
            let firstKey = try reader.readBytes(length)
            if TermDictionaryLayout.compare(firstKey, target) <= 0 {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low - 1
    }

    /// Scans one block for `target` without rebuilding keys.
    ///
    /// Invariant: every key passed so far is < `target`, and `matched` is the length of the
    /// common prefix of the last one and `target`. With `shared` = common prefix of the new key
    /// and the last one: `shared > matched` → the new key still differs from `target` at
    /// `matched`, where it is smaller; `shared < matched` → the new key grew at `shared`, where
    /// the last key equalled `target`, so it is past `target`; otherwise compare the suffix.
    private func scan(block: Int, for target: UnsafeRawBufferPointer) throws -> TermInfo? {
        var reader = try blockReader(block)
        var matched = 0
        while !reader.isAtEnd {
            let shared = try reader.readVarintInt(limit: Int(UInt32.max))
            let suffixLength = try reader.readVarintInt(limit: reader.remaining)
            let suffix = try reader.readBytes(suffixLength)
            if shared < matched { return nil }
            if shared == matched {
                let rest = target.count - matched
                let limit = min(suffixLength, rest)
                var common = 0
                while common < limit && suffix[common] == target[matched + common] { common += 1 }
                if common == rest {
                    // `target` is a prefix of this key: equal, or the key is greater.
                    return common == suffixLength ? try TermInfo.decode(from: &reader) : nil
                }
                if common < suffixLength && suffix[common] > target[matched + common] { return nil }
                matched += common
            }
            try Self.skipTermInfo(&reader)
        }
        return nil
    }

    /// Steps over one encoded `TermInfo` (four varints) without building it.
    @inline(__always)
    private static func skipTermInfo(_ reader: inout ByteReader) throws {
        for _ in 0..<4 { _ = try reader.readVarint() }
    }
}
