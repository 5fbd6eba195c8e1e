import _FoundationICU

/// NFKC + full case folding (ICU's NFKC_Casefold), applied per grapheme cluster.
///
/// `normalize(s)` is the concatenation of `NFKC_Casefold(c)` for each `Character c` of `s`. Working
/// per character keeps the result deterministic and lets every normalized byte be traced back to
/// the original character it came from (see ``NormalizedText``).
///
/// Fast paths skip ICU for single-scalar characters whose result is known: ASCII (A–Z lowered),
/// CJK Unified Ideographs (U+4E00–9FFF, U+3400–4DBF), Hangul syllables, Hiragana/Katakana, common
/// CJK punctuation (identity) and the full-width ASCII block U+FF01–FF5E (shifted to ASCII).
/// `NormalizerTests` checks every fast-path scalar against ICU.
public struct Normalizer: Sendable {
    /// Creates a normalizer.
    public init() {}

    /// Normalizes a string.
    /// - Parameter text: any text.
    /// - Returns: the concatenation of `NFKC_Casefold(c)` over the characters of `text`.
    public func normalize(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            Normalizer.append(character, to: &out)
        }
        return out
    }

    /// Normalizes one character with ICU, bypassing the fast paths (for tests and re-canonicalization).
    /// - Parameter character: a grapheme cluster.
    /// - Returns: `NFKC_Casefold(character)`, or the character itself if ICU fails.
    public static func icuNormalize(_ character: Character) -> String {
        icuNormalize(String(character))
    }

    /// Appends `NFKC_Casefold(character)` to `out`.
    @inline(__always)
    static func append(_ character: Character, to out: inout String) {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return }
        if scalars.index(after: scalars.startIndex) == scalars.endIndex {
            let v = first.value
            if v < 0x80 {
                if v >= 0x41 && v <= 0x5A {
                    out.unicodeScalars.append(Unicode.Scalar(UInt8(v + 0x20)))
                } else {
                    out.unicodeScalars.append(first)
                }
                return
            }
            if isIdentity(v) {
                out.unicodeScalars.append(first)
                return
            }
            if v >= 0xFF01 && v <= 0xFF5E {
                var ascii = v - 0xFEE0
                if ascii >= 0x41 && ascii <= 0x5A { ascii += 0x20 }
                out.unicodeScalars.append(Unicode.Scalar(UInt8(ascii)))
                return
            }
        } else if character.utf8.allSatisfy({ $0 < 0x80 }) {
            // Multi-scalar ASCII cluster: only CR LF, which folding leaves alone.
            out.append(character)
            return
        }
        out += icuNormalize(String(character))
    }

    /// Single scalars that NFKC_Casefold maps to themselves, by explicit ranges.
    @inline(__always)
    static func isIdentity(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xAC00...0xD7A3: return true
        case 0x3041...0x3096, 0x30A1...0x30FA, 0x30FC...0x30FE: return true
        case 0x3001...0x3002, 0x3008...0x3011, 0x2018...0x2019, 0x201C...0x201D, 0x2014, 0x00B7: return true
        default: return false
        }
    }

    /// ICU's NFKC_Casefold instance; immutable and thread-safe once created.
    nonisolated(unsafe) private static let instance: OpaquePointer? = {
        var error = U_ZERO_ERROR
        let normalizer = swift_unorm2_getNFKCCasefoldInstance(&error)
        return error.rawValue > 0 ? nil : normalizer
    }()

    private static func icuNormalize(_ text: String) -> String {
        guard let normalizer = instance else { return text }
        let source = Array(text.utf16)
        var capacity = max(32, source.count * 4 + 8)
        for _ in 0..<3 {
            var error = U_ZERO_ERROR
            var length: Int32 = 0
            let result: String? = withUnsafeTemporaryAllocation(of: UInt16.self, capacity: capacity) { buffer in
                length = swift_unorm2_normalize(
                    normalizer,
                    source,
                    Int32(source.count),
                    buffer.baseAddress,
                    Int32(capacity),
                    &error
                )
                guard error.rawValue <= 0, length >= 0, Int(length) <= capacity else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<Int(length)]), as: UTF16.self)
            }
            if let result { return result }
            guard error == U_BUFFER_OVERFLOW_ERROR, Int(length) > capacity else { return text }
            capacity = Int(length) + 1
        }
        return text
    }
}
