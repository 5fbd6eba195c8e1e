/// Many growable byte streams in one pool of fixed-size blocks (Lucene's `ByteBlockPool`
/// with slices): a stream starts as a small slice and continues in slices that double, up to
/// 4 KiB, each linked to the next by a 4-byte address at its end. A term's postings thus cost
/// no allocation of their own, and a hapax (most terms) costs 8 bytes.
///
/// An address is `block << 15 | offset`. The pool owns raw memory and frees it on deinit;
/// it is not shared between threads.
final class ByteSlicePool {
    static let blockShift = 15
    static let blockSize = 1 << blockShift
    /// Slice sizes by level, the last repeating; each slice ends in a 4-byte forward address.
    static let sliceSizes: [UInt32] = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]

    /// The write end of one stream.
    struct Writer {
        /// Where the next byte goes.
        var address: UInt32
        /// The first byte of the current slice's forward address.
        var limit: UInt32
        var level: UInt8
    }

    // Unchecked: the pool is confined to one builder on one thread, and a dynamic exclusivity
    // check per byte written cost more than the write.
    @exclusivity(unchecked) private var blocks: [UnsafeMutablePointer<UInt8>] = []
    @exclusivity(unchecked) private var used = ByteSlicePool.blockSize

    /// The pool ran out of addresses (4 GiB): slices were handed out again over the last
    /// block, so the streams are garbage. The owner must stop and discard the pool.
    private(set) var isFull = false

    /// Blocks the addresses can name (4 GiB); tests lower it.
    private let maxBlocks: Int

    init(maxBlocks: Int = 1 << (32 - ByteSlicePool.blockShift)) {
        self.maxBlocks = min(maxBlocks, 1 << (32 - Self.blockShift))
    }

    deinit {
        for block in blocks { block.deallocate() }
    }

    /// Opens a new stream.
    func newStream() -> Writer {
        let start = allocate(level: 0)
        return Writer(address: start, limit: start + Self.sliceSizes[0] - 4, level: 0)
    }

    @inline(__always)
    func write(_ byte: UInt8, to writer: inout Writer) {
        if writer.address == writer.limit { advance(&writer) }
        let address = Int(writer.address)
        blocks[address >> Self.blockShift][address & (Self.blockSize - 1)] = byte
        writer.address &+= 1
    }

    @inline(__always)
    func writeVarint(_ value: UInt32, to writer: inout Writer) {
        var value = value
        while value >= 0x80 {
            write(UInt8(truncatingIfNeeded: value) | 0x80, to: &writer)
            value >>= 7
        }
        write(UInt8(value), to: &writer)
    }

    /// Links a full slice to a new one of the next level.
    private func advance(_ writer: inout Writer) {
        let level = min(Int(writer.level) + 1, Self.sliceSizes.count - 1)
        let next = allocate(level: level)
        var link = writer.limit
        for shift in stride(from: 0, to: 32, by: 8) {
            let address = Int(link)
            blocks[address >> Self.blockShift][address & (Self.blockSize - 1)] = UInt8(
                truncatingIfNeeded: next >> shift
            )
            link += 1
        }
        writer = Writer(address: next, limit: next + Self.sliceSizes[level] - 4, level: UInt8(level))
    }

    private func allocate(level: Int) -> UInt32 {
        let size = Int(Self.sliceSizes[level])
        if used + size > Self.blockSize {
            guard blocks.count < maxBlocks else {
                // Out of addresses: reuse the last block (its data is lost) so that writes stay
                // in bounds; `isFull` tells the owner to give up.
                isFull = true
                used = size
                return UInt32((blocks.count - 1) << Self.blockShift)
            }
            let block = UnsafeMutablePointer<UInt8>.allocate(capacity: Self.blockSize)
            blocks.append(block)
            used = 0
        }
        let address = UInt32((blocks.count - 1) << Self.blockShift | used)
        used += size
        return address
    }

    /// Reads one stream from its start to the writer's current end.
    struct Reader {
        private let pool: ByteSlicePool
        private var address: UInt32
        private var limit: UInt32
        private var level: Int
        private let end: UInt32

        init(pool: ByteSlicePool, start: UInt32, end: UInt32) {
            self.pool = pool
            self.address = start
            self.limit = start + ByteSlicePool.sliceSizes[0] - 4
            self.level = 0
            self.end = end
        }

        var isAtEnd: Bool { address == end }

        @inline(__always)
        mutating func readByte() -> UInt8 {
            precondition(address != end, "read past the end of a slice stream")
            if address == limit {
                var next: UInt32 = 0
                for shift in stride(from: 0, to: 32, by: 8) {
                    next |= UInt32(pool.byte(at: limit + UInt32(shift / 8))) << shift
                }
                level = min(level + 1, ByteSlicePool.sliceSizes.count - 1)
                address = next
                limit = next + ByteSlicePool.sliceSizes[level] - 4
            }
            let byte = pool.byte(at: address)
            address &+= 1
            return byte
        }

        @inline(__always)
        mutating func readVarint() -> UInt32 {
            var value: UInt32 = 0
            var shift: UInt32 = 0
            while true {
                let byte = readByte()
                value |= UInt32(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
    }

    @inline(__always)
    fileprivate func byte(at address: UInt32) -> UInt8 {
        let address = Int(address)
        return blocks[address >> Self.blockShift][address & (Self.blockSize - 1)]
    }
}
