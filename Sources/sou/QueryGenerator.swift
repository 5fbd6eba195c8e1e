import Foundation
import SouClient
import SouRandom

/// Builds `sou bench query --generate N` queries from the documents of the index.
///
/// Deterministic for a given index content and seed (docs/SOU_BENCH.md):
/// 1. One `SEARCH limit=100 snippet=off fields=*` for `probe` (common Chinese characters
///    OR common English words) fetches up to 100 stored documents, in rank order.
/// 2. Each query comes from one of them, picked by a seeded SplitMix64: its text is split
///    into runs of CJK characters and Latin/digit words. A CJK term is a substring of 1–4
///    characters of a run (so it matches at least its own document); a word term is a
///    whole word, lowercased (so `OR` and `NOT` stay words). One query in four ANDs two
///    terms of the same document; the others are one term.
struct QueryGenerator {
    /// Matches most documents of Chinese or English text.
    static let probe = "的 OR 一 OR 是 OR 在 OR 了 OR 和 OR 有 OR 人 OR the OR a OR of OR and OR to OR in OR is"

    /// Documents fetched to draw terms from.
    static let sampleSize = 100

    var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// The text of the sample documents (every stored field but the id, joined).
    ///
    /// - Throws: `CLIFailure.notFound` when the probe finds nothing (an empty index, or one
    ///   in neither language: give `--queries FILE` instead), or a connection/server failure.
    static func sampleTexts(_ connection: SouConnection) throws -> [String] {
        let line = "SEARCH limit=\(sampleSize) snippet=off fields=* -- \(probe)"
        let reply = try Reply.check(try Reply.call(connection, line))
        let hits = reply["hits"] as? [[String: Any]] ?? []
        let texts = hits.compactMap { hit -> String? in
            let fields = hit["fields"] as? [String: Any] ?? [:]
            let text = fields.keys.sorted().compactMap { fields[$0] as? String }.joined(separator: "\n")
            return Self.terms(in: text).isEmpty ? nil : text
        }
        if texts.isEmpty {
            throw CLIFailure.notFound(
                "cannot generate queries: no document of the index matches \(probe); give --queries FILE"
            )
        }
        return texts
    }

    /// `count` queries drawn from `texts` (non-empty; each has at least one term).
    mutating func queries(count: Int, from texts: [String]) -> [String] {
        let runs = texts.map(Self.terms(in:))
        return (0..<count).map { _ in
            let document = runs[pick(runs.count)]
            let first = term(from: document)
            return pick(4) == 0 ? first + " " + term(from: document) : first
        }
    }

    private mutating func pick(_ bound: Int) -> Int {
        Int(random.next() % UInt64(bound))
    }

    private mutating func term(from runs: [Run]) -> String {
        let run = runs[pick(runs.count)]
        guard run.isCJK else { return String(run.characters).lowercased() }
        let length = min(run.characters.count, 1 + pick(4))
        let start = pick(run.characters.count - length + 1)
        return String(run.characters[start..<(start + length)])
    }

    /// A run of CJK characters or a Latin/digit word.
    struct Run {
        var isCJK: Bool
        var characters: [Character]
    }

    /// The CJK runs and words of `text`, in order.
    static func terms(in text: String) -> [Run] {
        var runs: [Run] = []
        var current: Run?
        for character in text {
            let isCJK = isCJK(character)
            let isWord = !isCJK && character.unicodeScalars.allSatisfy(isWordScalar)
            if isCJK || isWord, current?.isCJK == isCJK {
                current?.characters.append(character)
                continue
            }
            if let run = current { runs.append(run) }
            current = isCJK || isWord ? Run(isCJK: isCJK, characters: [character]) : nil
        }
        if let run = current { runs.append(run) }
        return runs
    }

    /// An ASCII letter or digit (the analyzer's word characters that stay one token).
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// Han, Kana or Hangul (the analyzer's CJK classes, docs/ANALYSIS.md).
    static func isCJK(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3040, 0x3097...0x309C, 0x30A0, 0x30FB:  // unassigned, sound marks, ゠, ・: not CJK to the analyzer
            return false
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x3134F:
            return true
        default:
            return false
        }
    }
}
