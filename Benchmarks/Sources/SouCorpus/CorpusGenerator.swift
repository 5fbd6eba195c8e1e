#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One generated document: an id and two text fields, as UTF-8.
public struct GeneratedDocument: Sendable {
    public var id: String
    public var title: [UInt8]
    public var body: [UInt8]

    public var titleString: String { String(decoding: title, as: UTF8.self) }
    public var bodyString: String { String(decoding: body, as: UTF8.self) }
}

/// A deterministic corpus: the same `seed` and `kind` give the same documents, byte for byte.
///
/// Body lengths (in words) are log-normal (median 120 words, σ = 0.9, clamped to 3…20,000),
/// titles 2–9 words; words are drawn by Zipf rank from a seeded ``Vocabulary``. Generated text
/// needs no JSON escaping (no quotes, backslashes or control characters).
public struct CorpusGenerator: Sendable {
    public let kind: CorpusKind
    public let vocabulary: Vocabulary
    private var random: SplitMix64
    private var nextNumber = 0

    public static let medianBodyWords = 120.0
    public static let bodySigma = 0.9

    public init(seed: UInt64, kind: CorpusKind) {
        self.kind = kind
        vocabulary = Vocabulary(seed: seed)
        random = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D ^ UInt64(kind.hashValueStable))
    }

    /// - Returns: the next document; ids are `<kind initial><number>` (`c0`, `c1`, … for chinese).
    public mutating func next() -> GeneratedDocument {
        let id = "\(kind.rawValue.first!)\(nextNumber)"
        nextNumber += 1
        let titleWords = 2 + random.nextInt(below: 8)
        let lengthDraw = exp(log(Self.medianBodyWords) + Self.bodySigma * random.nextGaussian())
        let bodyWords = min(20_000, max(3, Int(lengthDraw)))
        var title: [UInt8] = []
        title.reserveCapacity(titleWords * 8)
        text(words: titleWords, punctuation: false, into: &title)
        var body: [UInt8] = []
        body.reserveCapacity(bodyWords * 8)
        text(words: bodyWords, punctuation: true, into: &body)
        return GeneratedDocument(id: id, title: title, body: body)
    }

    /// Generates documents until their JSON lines reach `bytes`.
    public mutating func documents(totalBytes bytes: Int) -> [GeneratedDocument] {
        var documents: [GeneratedDocument] = []
        var total = 0
        while total < bytes {
            let document = next()
            total += Self.jsonLineByteCount(document)
            documents.append(document)
        }
        return documents
    }

    /// Appends `{"id":…,"title":…,"body":…}\n` (the format `sou add` reads) to `line`.
    public static func appendJSONLine(_ document: GeneratedDocument, to line: inout [UInt8]) {
        line.append(contentsOf: #"{"id":""#.utf8)
        line.append(contentsOf: document.id.utf8)
        line.append(contentsOf: #"","title":""#.utf8)
        line.append(contentsOf: document.title)
        line.append(contentsOf: #"","body":""#.utf8)
        line.append(contentsOf: document.body)
        line.append(contentsOf: "\"}\n".utf8)
    }

    public static func jsonLineByteCount(_ document: GeneratedDocument) -> Int {
        document.id.utf8.count + document.title.count + document.body.count + 31
    }

    // MARK: - Text

    private static let ideographicComma = Array("，".utf8)
    private static let ideographicStop = Array("。".utf8)

    private mutating func text(words: Int, punctuation: Bool, into out: inout [UInt8]) {
        switch kind {
        case .chinese:
            var latinBefore = false
            for index in 0..<words {
                let roll = random.nextUnit()
                if roll < 0.08 {
                    // A Latin word or a number, set off by spaces as Chinese text does.
                    if index > 0 { out.append(0x20) }
                    if roll < 0.02 {
                        appendNumber(into: &out)
                    } else {
                        out.append(contentsOf: vocabulary.latinWord(&random))
                    }
                    latinBefore = true
                    continue
                }
                if latinBefore { out.append(0x20) }
                latinBefore = false
                out.append(contentsOf: vocabulary.cjkWord(&random))
                if punctuation && index + 1 < words {
                    let mark = random.nextUnit()
                    if mark < 0.05 {
                        out.append(contentsOf: Self.ideographicStop)
                    } else if mark < 0.15 {
                        out.append(contentsOf: Self.ideographicComma)
                    }
                }
            }
            if punctuation { out.append(contentsOf: Self.ideographicStop) }
        case .english:
            var capitalize = true
            for index in 0..<words {
                if index > 0 { out.append(0x20) }
                let start = out.count
                if random.nextUnit() < 0.02 {
                    appendNumber(into: &out)
                } else {
                    out.append(contentsOf: vocabulary.latinWord(&random))
                }
                if capitalize && out[start] >= 0x61 { out[start] -= 0x20 }
                capitalize = false
                if punctuation && index + 1 < words {
                    let mark = random.nextUnit()
                    if mark < 0.07 {
                        out.append(0x2E)
                        capitalize = true
                    } else if mark < 0.15 {
                        out.append(0x2C)
                    }
                }
            }
            if punctuation { out.append(0x2E) }
        case .mixed:
            var remaining = words
            var cjkRun = random.nextInt(below: 2) == 0
            while remaining > 0 {
                let run = min(remaining, 1 + random.nextInt(below: 10))
                if !out.isEmpty { out.append(0x20) }
                for index in 0..<run {
                    if cjkRun {
                        out.append(contentsOf: vocabulary.cjkWord(&random))
                    } else {
                        if index > 0 { out.append(0x20) }
                        out.append(contentsOf: vocabulary.latinWord(&random))
                    }
                }
                if punctuation && cjkRun && random.nextUnit() < 0.3 { out.append(contentsOf: Self.ideographicComma) }
                remaining -= run
                cjkRun.toggle()
            }
        }
    }

    private mutating func appendNumber(into out: inout [UInt8]) {
        let digits = 1 + random.nextInt(below: 4)
        for _ in 0..<digits { out.append(0x30 + UInt8(random.nextInt(below: 10))) }
    }
}

extension CorpusKind {
    /// A hash that is the same in every process (`hashValue` is seeded per process).
    var hashValueStable: Int {
        switch self {
        case .chinese: 1
        case .english: 2
        case .mixed: 3
        }
    }
}
