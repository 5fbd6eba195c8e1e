/// Sizes and helpers shared by `TermDictionaryWriter` and `TermDictionaryReader`.
///
/// Body layout (docs/FORMAT.md §5):
///
///     block*                       // front-coded terms, `termsPerBlock` per block (the last may hold fewer)
///     blockOffset: u64[blockCount] // body offset of each block (the sparse index)
///     indexOffset: u64             // body offset of the first blockOffset
///     termCount: u64
///     blockCount: u32              // ceil(termCount / termsPerBlock)
///     termsPerBlock: u32
///
///     block := (sharedPrefixLength: varint  suffixLength: varint  suffix: u8[suffixLength]  info: TermInfo)*
///
/// The first term of every block has `sharedPrefixLength` 0, so a block's first key can be read
/// in place for the binary search over the index.
enum TermDictionaryLayout {
    /// `indexOffset` u64 + `termCount` u64 + `blockCount` u32 + `termsPerBlock` u32.
    static let trailerSize = 24
    /// One `blockOffset: u64` per block.
    static let indexEntrySize = 8

    /// Length of the longest common prefix of `a` and `b`.
    static func sharedPrefixLength<A: RandomAccessCollection<UInt8>, B: RandomAccessCollection<UInt8>>(
        _ a: A,
        _ b: B
    ) -> Int where A.Index == Int, B.Index == Int {
        let limit = min(a.count, b.count)
        var i = 0
        while i < limit && a[i] == b[i] { i += 1 }
        return i
    }

    /// Unsigned byte-wise three-way comparison: negative if `a < b`, 0 if equal, positive if `a > b`.
    @inline(__always)
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let limit = min(a.count, b.count)
        var i = 0
        while i < limit {
            let x = a[i]
            let y = b[i]
            if x != y { return x < y ? -1 : 1 }
            i += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
