/// The analyzer's character classes, decided on normalized text.
///
/// A normalized character (grapheme cluster) belongs to the class of its first scalar, except that
/// non-CJK characters are word characters only if `Character.isLetter || Character.isNumber`.
public enum ScriptClass: UInt8, Sendable {
    /// Han (incl. extensions, compatibility ideographs, radicals, 々〆〇), Hiragana, Katakana,
    /// Hangul (syllables and jamo), Bopomofo: one class, forming CJK runs.
    case cjk
    /// Letters and digits of other scripts (Latin, Greek, Cyrillic, …) with attached marks.
    case word
    /// Everything else: spaces, punctuation, symbols, emoji, controls.
    case separator

    /// Classifies one normalized character.
    /// - Parameter character: a grapheme cluster of normalized text.
    /// - Returns: its class.
    public static func of(_ character: Character) -> ScriptClass {
        guard let first = character.unicodeScalars.first else { return .separator }
        let value = first.value
        if value < 0x80 {
            // ASCII: letters and digits are words, everything else separates.
            switch value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return .word
            default: return .separator
            }
        }
        if isCJK(value) { return .cjk }
        return character.isLetter || character.isNumber ? .word : .separator
    }

    /// Whether a scalar value is in the CJK range table (explicit ranges, no property lookups).
    /// - Parameter v: a Unicode scalar value.
    /// - Returns: true for Han, Kana, Hangul and Bopomofo code points.
    @inline(__always)
    public static func isCJK(_ v: UInt32) -> Bool {
        if v < 0x1100 { return false }
        if v >= 0x4E00 && v <= 0x9FFF { return true }  // CJK Unified Ideographs
        if v >= 0xAC00 && v <= 0xD7A3 { return true }  // Hangul Syllables
        if v >= 0x3400 && v <= 0x4DBF { return true }  // CJK Extension A
        if v >= 0x3040 && v <= 0x30FF {  // Hiragana, Katakana
            switch v {
            case 0x3040, 0x3097, 0x3098, 0x30A0, 0x30FB: return false  // unassigned, ゠, ・
            case 0x3099...0x309C: return false  // sound marks (combining ones attach to the previous character)
            default: return true
            }
        }
        switch v {
        case 0x1100...0x11FF: return true  // Hangul Jamo
        case 0x2E80...0x2FDF: return true  // CJK Radicals Supplement, Kangxi Radicals
        case 0x3005...0x3007: return true  // 々 〆 〇
        case 0x3021...0x3029: return true  // Hangzhou numerals
        case 0x3038...0x303B: return true  // 〸〹〺〻
        case 0x3105...0x312F: return true  // Bopomofo
        case 0x3131...0x318E: return true  // Hangul Compatibility Jamo
        case 0x31A0...0x31BF: return true  // Bopomofo Extended
        case 0x31F0...0x31FF: return true  // Katakana Phonetic Extensions
        case 0xA960...0xA97F: return true  // Hangul Jamo Extended-A
        case 0xD7B0...0xD7FF: return true  // Hangul Jamo Extended-B
        case 0xF900...0xFAFF: return true  // CJK Compatibility Ideographs
        case 0xFF66...0xFF9D: return true  // Halfwidth Katakana (NFKC maps them anyway)
        case 0xFFA0...0xFFDC: return true  // Halfwidth Hangul (NFKC maps them anyway)
        case 0x1AFF0...0x1B16F: return true  // Kana Extended-B, Kana Supplement, Extended-A, Small Kana
        case 0x20000...0x3FFFF: return true  // CJK Extensions B–I, Compatibility Supplement (planes 2–3)
        default: return false
        }
    }
}
