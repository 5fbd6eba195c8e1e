import CZlib

/// One zlib deflate stream reused for many independent zlib streams (`deflateReset` between
/// them): the same output as `Zlib.compress`, without allocating and clearing zlib's
/// ~256 KiB of state for every stored-field block.
///
/// Not thread-safe; one per writer.
public final class Deflater {
    private var stream = z_stream()
    private var isOpen = false
    /// The zlib level, 0 (store) … 9 (smallest).
    public let level: Int32

    public init(level: Int32 = 6) {
        self.level = level
    }

    deinit {
        if isOpen { deflateEnd(&stream) }
    }

    /// Compresses `bytes` into one complete zlib stream (header, deflate data, Adler-32).
    /// - Throws: `FormatError.compression` if zlib reports an error or the input is too large.
    public func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        guard bytes.count <= Int(UInt32.max) else {
            throw FormatError.compression(reason: "input of \(bytes.count) bytes is too large")
        }
        if isOpen {
            guard deflateReset(&stream) == Z_OK else { throw FormatError.compression(reason: "deflateReset failed") }
        } else {
            let status = deflateInit_(&stream, level, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else { throw FormatError.compression(reason: "deflateInit failed (\(status))") }
            isOpen = true
        }
        let bound = Int(deflateBound(&stream, uLong(bytes.count)))
        var failure: Int32 = Z_OK
        let output = [UInt8](unsafeUninitializedCapacity: max(bound, 16)) { out, initialized in
            bytes.withUnsafeBytes { input in
                stream.next_in = input.baseAddress.map {
                    UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self))
                }
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                let result = deflate(&stream, Z_FINISH)
                if result != Z_STREAM_END { failure = result }
                initialized = out.count - Int(stream.avail_out)
            }
        }
        stream.next_in = nil
        stream.next_out = nil
        guard failure == Z_OK else { throw FormatError.compression(reason: "deflate failed (\(failure))") }
        return output
    }
}
