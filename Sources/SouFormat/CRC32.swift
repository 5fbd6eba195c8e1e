import CZlib

/// CRC-32 (IEEE 802.3, the zlib/PNG polynomial) over bytes, computed by system zlib.
public enum CRC32 {
    /// - Parameters:
    ///   - bytes: the bytes to checksum.
    ///   - seed: the checksum of the bytes before these, to checksum in pieces.
    /// - Returns: the CRC-32 of `seed`'s bytes followed by `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return seed }
        var crc = UInt(seed)
        var pointer = base.assumingMemoryBound(to: UInt8.self)
        var left = bytes.count
        // zlib takes a uInt length; feed large inputs in 1 GiB pieces.
        while left > 0 {
            let chunk = min(left, 1 << 30)
            crc = CZlib.crc32(crc, pointer, uInt(chunk))
            pointer += chunk
            left -= chunk
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    public static func checksum(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, seed: seed) }
    }
}
