/// Everything that can be wrong with bytes on disk.
///
/// Each case names the file so that an operator can act on it; `SouServer` maps
/// these to the `CORRUPT` protocol code in one place.
public enum FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    case badMagic(file: String, found: UInt32, expected: UInt32)
    case unsupportedVersion(file: String, found: UInt16, supported: ClosedRange<UInt16>)
    case checksumMismatch(file: String, expected: UInt32, actual: UInt32)
    case truncated(file: String, offset: Int)
    case corrupt(file: String, reason: String)
    case io(file: String, operation: String, errno: Int32)
    case compression(reason: String)

    public var description: String {
        switch self {
        case .badMagic(let file, let found, let expected):
            return "\(file): bad magic 0x\(String(found, radix: 16)), expected 0x\(String(expected, radix: 16))"
        case .unsupportedVersion(let file, let found, let supported):
            return "\(file): format version \(found) is not supported (supported: \(supported))"
        case .checksumMismatch(let file, let expected, let actual):
            return "\(file): checksum mismatch (stored 0x\(String(expected, radix: 16)), "
                + "computed 0x\(String(actual, radix: 16))); the file is corrupt"
        case .truncated(let file, let offset):
            return "\(file): truncated at byte \(offset)"
        case .corrupt(let file, let reason):
            return "\(file): corrupt: \(reason)"
        case .io(let file, let operation, let errno):
            return "\(file): \(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
        case .compression(let reason):
            return "zlib: \(reason)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
