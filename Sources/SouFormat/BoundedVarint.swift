/// LEB128 decoding for hot paths: never throws, never reads at or past `end`.
///
/// `ByteReader` is the general, throwing reader; the postings cursor cannot throw, so it
/// uses this and turns `nil` into `isCorrupt`.
enum BoundedVarint {
    /// Reads one varint from `base[offset..<end]` and moves `offset` past it.
    /// - Returns: the value, or `nil` if the varint runs past `end` or does not fit in 64 bits.
    @inline(__always)
    static func read(_ base: UnsafeRawPointer, _ offset: inout Int, end: Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end {
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            offset &+= 1
            if shift == 63 && byte > 1 { return nil }
            result |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 { return result }
            shift &+= 7
            if shift > 63 { return nil }
        }
        return nil
    }

    /// Reads one varint that must fit in a `UInt32`.
    @inline(__always)
    static func read32(_ base: UnsafeRawPointer, _ offset: inout Int, end: Int) -> UInt32? {
        guard let value = read(base, &offset, end: end), value <= UInt64(UInt32.max) else { return nil }
        return UInt32(truncatingIfNeeded: value)
    }

    /// Moves `offset` past `count` varints without decoding them.
    /// - Returns: `false` if they run past `end`.
    @inline(__always)
    static func skip(_ count: UInt64, _ base: UnsafeRawPointer, _ offset: inout Int, end: Int) -> Bool {
        var left = count
        while left > 0 {
            guard offset < end else { return false }
            if base.load(fromByteOffset: offset, as: UInt8.self) < 0x80 { left &-= 1 }
            offset &+= 1
        }
        return true
    }
}
