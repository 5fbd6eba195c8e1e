/// A scalar as the byte-level fast path of ``TokenStream`` sees it.
///
/// A scalar is *simple* if it is one of the single-scalar characters that ``Normalizer`` maps
/// without ICU and that never join a neighbour into a grapheme cluster: ASCII except CR,
/// ``Normalizer/isIdentity(_:)`` (CJK ideographs, kana, Hangul syllables, common CJK
/// punctuation) and full-width ASCII U+FF01–FF5E. None of them is a Prepend, Extend, ZWJ,
/// SpacingMark, Hangul jamo, regional indicator or pictographic scalar, so there is a cluster
/// boundary between two simple scalars, before and after normalization.
/// `TokenStreamTests` checks every simple scalar's normalization and class.
struct SimpleScalar {
    /// UTF-8 length of the scalar in the original text.
    var length: Int
    /// Whether the scalar is simple; the rest is meaningful only if it is.
    var isSimple: Bool
    /// Class of the normalized scalar.
    var scriptClass: ScriptClass
    /// The normalized scalar if it is ASCII; 0 if it is the original bytes (identity).
    var ascii: UInt8

    /// What follows the last scalar: as good as a simple scalar for the boundary rules.
    static let end = SimpleScalar(length: 0, isSimple: true, scriptClass: .separator, ascii: 0)

    /// Decodes the scalar starting at `bytes[offset]`.
    /// - Parameters:
    ///   - bytes: valid UTF-8.
    ///   - offset: the first byte of a scalar.
    @inline(__always)
    init(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) {
        let lead = bytes[offset]
        if lead < 0x80 {
            self = SimpleScalar.ascii(lead, isSimple: lead != 0x0D)
        } else {
            self.init(multiByte: lead, bytes, at: offset)
        }
    }

    /// Decodes a scalar of two to four bytes whose first byte is `lead`.
    private init(multiByte lead: UInt8, _ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) {
        if lead < 0xE0 {
            // Of the two-byte scalars only U+00B7 (·), an identity separator, is simple.
            let isMiddleDot = lead == 0xC2 && bytes[offset + 1] == 0xB7
            self.init(length: 2, isSimple: isMiddleDot, scriptClass: .separator, ascii: 0)
            return
        }
        if lead < 0xF0 {
            let value =
                UInt32(lead & 0x0F) << 12 | UInt32(bytes[offset + 1] & 0x3F) << 6 | UInt32(bytes[offset + 2] & 0x3F)
            if Normalizer.isIdentity(value) {
                // Identity scalars are CJK or CJK punctuation (separators).
                self.init(
                    length: 3,
                    isSimple: true,
                    scriptClass: ScriptClass.isCJK(value) ? .cjk : .separator,
                    ascii: 0
                )
            } else if value >= 0xFF01 && value <= 0xFF5E {
                self = SimpleScalar.ascii(UInt8(value - 0xFEE0), isSimple: true)
                self.length = 3
            } else {
                self.init(length: 3, isSimple: false, scriptClass: .separator, ascii: 0)
            }
            return
        }
        self.init(length: 4, isSimple: false, scriptClass: .separator, ascii: 0)
    }

    private init(length: Int, isSimple: Bool, scriptClass: ScriptClass, ascii: UInt8) {
        self.length = length
        self.isSimple = isSimple
        self.scriptClass = scriptClass
        self.ascii = ascii
    }

    /// A one-byte scalar normalizing to `byte` lowered; letters and digits are words.
    @inline(__always)
    private static func ascii(_ byte: UInt8, isSimple: Bool) -> SimpleScalar {
        switch byte {
        case 0x41...0x5A: SimpleScalar(length: 1, isSimple: isSimple, scriptClass: .word, ascii: byte + 0x20)
        case 0x30...0x39, 0x61...0x7A: SimpleScalar(length: 1, isSimple: isSimple, scriptClass: .word, ascii: byte)
        default: SimpleScalar(length: 1, isSimple: isSimple, scriptClass: .separator, ascii: byte)
        }
    }
}
