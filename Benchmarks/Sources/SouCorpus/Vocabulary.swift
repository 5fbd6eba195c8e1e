/// The words a corpus is made of, as UTF-8 bytes, in rank order (rank 0 most frequent).
///
/// - CJK words: 1–4 Han characters (1: 15%, 2: 55%, 3: 18%, 4: 12%, roughly as in Chinese
///   word lists), each character drawn by Zipf rank from 3,500 common ideographs
///   (U+4E00–U+9FA5, shuffled by the seed), so characters repeat as they do in real text.
/// - Latin words: 2–12 letters built from consonant–vowel syllables (pronounceable, so
///   prefixes such as `ka*` expand to many terms, as English prefixes do).
public struct Vocabulary: Sendable {
    public let cjkWords: [[UInt8]]
    public let latinWords: [[UInt8]]
    public let cjkSampler: ZipfSampler
    public let latinSampler: ZipfSampler

    /// - Parameters:
    ///   - seed: the same seed gives the same words.
    ///   - cjkCount: distinct CJK word slots (duplicates possible, as homographs are).
    ///   - latinCount: distinct Latin word slots.
    public init(seed: UInt64, cjkCount: Int = 40_000, latinCount: Int = 20_000) {
        var random = SplitMix64(seed: seed ^ 0x5EED_0F_C0DE)
        var characters = Array(UInt32(0x4E00)...UInt32(0x9FA5))
        characters.shuffle(using: &random)
        let common = Array(characters.prefix(3_500))
        let characterSampler = ZipfSampler(count: common.count, exponent: 0.9)
        var cjk: [[UInt8]] = []
        cjk.reserveCapacity(cjkCount)
        for _ in 0..<cjkCount {
            let roll = random.nextUnit()
            let length = roll < 0.15 ? 1 : roll < 0.70 ? 2 : roll < 0.88 ? 3 : 4
            var word: [UInt8] = []
            for _ in 0..<length {
                let scalar = Unicode.Scalar(common[characterSampler.sample(&random)])!
                word.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            cjk.append(word)
        }
        let consonants = Array("bcdfghjklmnprstvwz".utf8)
        let vowels = Array("aeiou".utf8)
        var latin: [[UInt8]] = []
        latin.reserveCapacity(latinCount)
        var seen = Set<[UInt8]>()
        while latin.count < latinCount {
            // Short words are frequent: the length grows with the rank, as in English.
            let rankShare = Double(latin.count) / Double(latinCount)
            let syllables = 1 + random.nextInt(below: 2 + Int(rankShare * 4))
            var word: [UInt8] = []
            for _ in 0..<syllables {
                word.append(consonants[random.nextInt(below: consonants.count)])
                word.append(vowels[random.nextInt(below: vowels.count)])
            }
            if random.nextInt(below: 3) == 0 { word.append(consonants[random.nextInt(below: consonants.count)]) }
            if seen.insert(word).inserted { latin.append(word) }
        }
        cjkWords = cjk
        latinWords = latin
        cjkSampler = ZipfSampler(count: cjk.count, exponent: 1.0)
        latinSampler = ZipfSampler(count: latin.count, exponent: 1.0)
    }

    @inline(__always)
    public func cjkWord(_ random: inout SplitMix64) -> [UInt8] { cjkWords[cjkSampler.sample(&random)] }

    @inline(__always)
    public func latinWord(_ random: inout SplitMix64) -> [UInt8] { latinWords[latinSampler.sample(&random)] }
}
