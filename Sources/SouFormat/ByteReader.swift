/// A bounds-checked little-endian cursor over bytes that outlive it (a mapped file or an array).
///
/// Every read checks bounds and throws `FormatError.truncated`, so a corrupt length can
/// never read outside the buffer. The caller keeps the memory alive (a `MappedFile`
/// or an array held for the reader's lifetime).
public struct ByteReader {
    public let base: UnsafeRawBufferPointer
    public var offset: Int
    public let file: String

    public init(_ base: UnsafeRawBufferPointer, offset: Int = 0, file: String) {
        self.base = base
        self.offset = offset
        self.file = file
    }

    public var remaining: Int { base.count - offset }
    public var isAtEnd: Bool { offset >= base.count }

    @inline(__always)
    private func need(_ n: Int) throws {
        if n < 0 || offset > base.count - n { throw FormatError.truncated(file: file, offset: offset) }
    }

    public mutating func readUInt8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return base[offset]
    }

    public mutating func readUInt16() throws -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    public mutating func readUInt32() throws -> UInt32 {
        try need(4)
        defer { offset += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    public mutating func readUInt64() throws -> UInt64 {
        try need(8)
        defer { offset += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    public mutating func readFloat() throws -> Float { Float(bitPattern: try readUInt32()) }

    public mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readUInt8()
            if shift == 63 && byte > 1 { throw FormatError.corrupt(file: file, reason: "varint overflow at \(offset)") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw FormatError.corrupt(file: file, reason: "varint too long at \(offset)") }
        }
    }

    /// A varint that must fit in `Int` and be at most `limit` (a sanity bound on counts and lengths).
    public mutating func readVarintInt(limit: Int = Int.max) throws -> Int {
        let value = try readVarint()
        guard value <= UInt64(limit) else {
            throw FormatError.corrupt(file: file, reason: "value \(value) exceeds \(limit) at \(offset)")
        }
        return Int(value)
    }

    public mutating func readBytes(_ count: Int) throws -> UnsafeRawBufferPointer {
        try need(count)
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: base[offset..<(offset + count)])
    }

    public mutating func readString() throws -> String {
        let count = try readVarintInt(limit: remaining)
        let raw = try readBytes(count)
        return String(decoding: raw, as: UTF8.self)
    }

    public mutating func readBlob() throws -> [UInt8] {
        let count = try readVarintInt(limit: remaining)
        return Array(try readBytes(count))
    }

    public mutating func seek(to newOffset: Int) throws {
        guard newOffset >= 0 && newOffset <= base.count else {
            throw FormatError.truncated(file: file, offset: newOffset)
        }
        offset = newOffset
    }
}
