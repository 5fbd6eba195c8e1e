/// Score impacts of one block of postings (docs/FORMAT.md §3.2, postings version 2): up to
/// eight (frequency, field length) pairs such that every document of the block has, for some
/// pair, a frequency at most the pair's and a field length at least the pair's. As Lucene's
/// competitive impacts: BM25 grows with the frequency and shrinks with the length, so the
/// block's best possible score is the best score of a pair — far tighter than the score of
/// (largest frequency, shortest length), which usually belong to different documents.
///
/// Inline and fixed-size: copying a skip entry never allocates.
///
///     impacts := count: varint (0…8)  { frequency: varint  fieldLength: varint }{count}
///
/// `count == 0` says the block's (maxFrequency, minFieldLength) is itself the only pair.
public struct BlockImpacts: Sendable, Equatable {
    /// The most pairs a block stores.
    public static let capacity = 8

    /// Pairs stored (0: none; the skip entry's maximum and minimum are the bound).
    public private(set) var count = 0
    /// `frequency << 32 | fieldLength` per pair, in decreasing frequency.
    private var pairs: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    public init() {}

    /// The pair at `index` (< `count`).
    public subscript(index: Int) -> (frequency: UInt32, fieldLength: UInt32) {
        let packed: UInt64
        switch index {
        case 0: packed = pairs.0
        case 1: packed = pairs.1
        case 2: packed = pairs.2
        case 3: packed = pairs.3
        case 4: packed = pairs.4
        case 5: packed = pairs.5
        case 6: packed = pairs.6
        default: packed = pairs.7
        }
        return (UInt32(truncatingIfNeeded: packed >> 32), UInt32(truncatingIfNeeded: packed))
    }

    private mutating func append(frequency: UInt32, fieldLength: UInt32) {
        let packed = UInt64(frequency) << 32 | UInt64(fieldLength)
        switch count {
        case 0: pairs.0 = packed
        case 1: pairs.1 = packed
        case 2: pairs.2 = packed
        case 3: pairs.3 = packed
        case 4: pairs.4 = packed
        case 5: pairs.5 = packed
        case 6: pairs.6 = packed
        default: pairs.7 = packed
        }
        count += 1
    }

    public static func == (a: BlockImpacts, b: BlockImpacts) -> Bool {
        guard a.count == b.count else { return false }
        for index in 0..<a.count where a[index] != b[index] { return false }
        return true
    }

    /// The impacts of a block's documents: the Pareto front of (higher frequency, shorter
    /// field), cut into at most `capacity` runs, each run merged into the pair (its largest
    /// frequency, its shortest length) that bounds all of it. Empty when the front is one pair.
    static func of(frequencies: [UInt32], fieldLengths: [UInt32]) -> BlockImpacts {
        var documents = Array(zip(frequencies, fieldLengths))
        documents.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        var front: [(UInt32, UInt32)] = []
        var shortest = UInt32.max
        for (frequency, length) in documents where length < shortest {
            front.append((frequency, length))
            shortest = length
        }
        var impacts = BlockImpacts()
        guard front.count > 1 else { return impacts }
        let runs = min(capacity, front.count)
        for run in 0..<runs {
            let first = run * front.count / runs
            let last = (run + 1) * front.count / runs - 1
            impacts.append(frequency: front[first].0, fieldLength: front[last].1)
        }
        return impacts
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeVarint(UInt64(count))
        for index in 0..<count {
            writer.writeVarint(UInt64(self[index].frequency))
            writer.writeVarint(UInt64(self[index].fieldLength))
        }
    }

    /// - Returns: nil if the bytes run out or the count is over `capacity`.
    @inline(__always)
    static func decode(_ base: UnsafeRawPointer, _ offset: inout Int, end: Int) -> BlockImpacts? {
        guard let count = BoundedVarint.read32(base, &offset, end: end), count <= capacity else { return nil }
        var impacts = BlockImpacts()
        for _ in 0..<Int(count) {
            guard let frequency = BoundedVarint.read32(base, &offset, end: end),
                let length = BoundedVarint.read32(base, &offset, end: end)
            else { return nil }
            impacts.append(frequency: frequency, fieldLength: length)
        }
        return impacts
    }
}
