import CZlib

/// One-shot zlib (RFC 1950) compression through system zlib, used for stored-field blocks.
///
/// `deflateInit`/`inflateInit` are C macros Swift cannot see, so this calls `deflateInit_` /
/// `inflateInit_` with `ZLIB_VERSION` and the size of `z_stream` (docs/TOOLCHAIN.md "zlib").
public enum Zlib {
    /// Compresses `bytes` into one complete zlib stream.
    ///
    /// - Parameters:
    ///   - bytes: the input; at most `UInt32.max` bytes (zlib counts in 32-bit units).
    ///   - level: 0 (store) … 9 (smallest); -1 is zlib's default (6).
    /// - Returns: the zlib stream (header, deflate data, Adler-32 trailer).
    /// - Throws: `FormatError.compression` if zlib reports an error or the input is too large.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        try Deflater(level: level).compress(bytes)
    }

    /// Decompresses one complete zlib stream whose decompressed size is known.
    ///
    /// - Parameters:
    ///   - bytes: exactly one zlib stream, nothing after it.
    ///   - originalSize: the exact decompressed size (stored next to the stream).
    /// - Returns: `originalSize` bytes.
    /// - Throws: `FormatError.compression` if the stream is damaged, ends early, holds more or
    ///   fewer than `originalSize` bytes, or is followed by extra input.
    public static func decompress(_ bytes: UnsafeRawBufferPointer, originalSize: Int) throws -> [UInt8] {
        guard originalSize >= 0, originalSize <= Int(UInt32.max), bytes.count <= Int(UInt32.max) else {
            throw FormatError.compression(reason: "sizes out of range (\(bytes.count) → \(originalSize))")
        }
        var stream = z_stream()
        let status = inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw FormatError.compression(reason: "inflateInit failed (\(status))") }
        defer { inflateEnd(&stream) }
        var failure: String?
        // zlib rejects a null output pointer, so even an empty result gets one byte of room;
        // a stream longer than `originalSize` then fails instead of writing past the end.
        let capacity = max(originalSize, 1)
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { out, initialized in
            stream.next_in = bytes.baseAddress.map {
                UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self))
            }
            stream.avail_in = uInt(bytes.count)
            stream.next_out = out.baseAddress
            stream.avail_out = uInt(originalSize)
            let result = inflate(&stream, Z_FINISH)
            let produced = originalSize - Int(stream.avail_out)
            initialized = produced
            if result != Z_STREAM_END {
                failure =
                    result == Z_BUF_ERROR && stream.avail_out == 0
                    ? "stream is longer than \(originalSize) bytes"
                    : "inflate failed (\(result)) after \(produced) bytes"
            } else if produced != originalSize {
                failure = "stream holds \(produced) bytes, expected \(originalSize)"
            } else if stream.avail_in != 0 {
                failure = "\(stream.avail_in) bytes after the end of the stream"
            }
        }
        if let failure { throw FormatError.compression(reason: failure) }
        return output
    }
}
