import Benchmark
import BenchmarkSupport
import SouCorpus
import SouDocument
import SouFormat
import SouIndex

/// Codec speed: bit-packed block decode, skip-to-target in postings, term dictionary lookup and
/// prefix enumeration.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    // Block decode: 1,024 packed blocks of 128 doc-id deltas at 7 and 13 bits (typical of
    // common and rare terms); a scaled iteration unpacks one block: ns per integer = time / 128.
    for bitWidth in [7, 13] {
        let blockCount = 1_024
        var random = SplitMix64(seed: Fixtures.seed)
        var writer = ByteWriter()
        var values = [UInt32](repeating: 0, count: BitPacking.blockSize)
        for _ in 0..<blockCount {
            for i in values.indices { values[i] = UInt32(random.nextInt(below: 1 << bitWidth)) }
            values.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: bitWidth, into: &writer) }
        }
        let packed = writer.bytes
        let stride = BitPacking.byteCount(bitWidth: bitWidth)
        Benchmark("BitPacking.unpack one block of 128 ints, \(bitWidth) bits (ns/int = time/128)") { benchmark in
            let output = UnsafeMutablePointer<UInt32>.allocate(capacity: BitPacking.blockSize)
            defer { output.deallocate() }
            packed.withUnsafeBytes { raw in
                var block = 0
                for _ in benchmark.scaledIterations {
                    BitPacking.unpack(raw.baseAddress! + block * stride, bitWidth: bitWidth, into: output)
                    block = (block + 1) & (blockCount - 1)
                }
            }
            blackHole(output[0])
        }
    }

    // Skip-to-target: the postings of a term in every document of a 200,000-document segment;
    // a scaled iteration is one `advance(to:)` ~1,000 documents ahead (skip entries, then a block decode).
    let skipFixture = try! SkipFixture()
    Benchmark("PostingsCursor.advance(to:) ~1,000 docs ahead, 200k-doc postings") { benchmark in
        var cursor = skipFixture.segment.reader.postings.cursor(for: skipFixture.info)
        var target: UInt32 = 0
        for _ in benchmark.scaledIterations {
            target &+= 997
            if target >= skipFixture.documentCount {
                cursor = skipFixture.segment.reader.postings.cursor(for: skipFixture.info)
                target = 997
            }
            blackHole(cursor.advance(to: target))
        }
    }

    // Term dictionary: a segment of 4 MiB of generated mixed text.
    let dictionaryFixture = try! DictionaryFixture()
    let turn = Turn()
    Benchmark("TermDictionaryReader.lookup (exact), \(dictionaryFixture.termCount) terms") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try dictionaryFixture.dictionary.lookup(dictionaryFixture.keys[turn.next(dictionaryFixture.keys.count)])
            )
        }
    }
    Benchmark(
        "TermDictionaryReader.enumerate(prefix:) one CJK character, body field",
        configuration: .init(scalingFactor: .one)
    ) { benchmark in
        var terms = 0
        for prefix in dictionaryFixture.prefixes {
            try dictionaryFixture.dictionary.enumerate(prefix: prefix) { _, _ in
                terms &+= 1
                return true
            }
        }
        blackHole(terms)
    }
}

/// A segment whose `body` term `every` is in all 200,000 documents.
struct SkipFixture: @unchecked Sendable {
    let segment: SegmentView
    let info: TermInfo
    let documentCount: UInt32

    init() throws {
        let count = 200_000
        let documents = (0..<count).map { i in
            Document(id: "d\(i)", fields: [Document.Field(name: "body", value: i % 7 == 0 ? "every seventh" : "every")])
        }
        let (directory, views) = try Fixtures.segments(documents, label: "skip")
        Fixtures.removeDirectory(directory)
        segment = views[0]
        let field = UInt8(segment.reader.meta.fieldNumber("body")!)
        info = try segment.reader.dictionary.lookup(SegmentReader.key(field: field, term: "every"))!
        documentCount = UInt32(count)
    }
}

/// The dictionary of a 4 MiB mixed segment, 10,000 of its keys and 100 one-character CJK prefixes.
struct DictionaryFixture: @unchecked Sendable {
    let dictionary: TermDictionaryReader
    let keys: [[UInt8]]
    let prefixes: [[UInt8]]
    let termCount: Int

    init() throws {
        let documents = Fixtures.documents(.mixed, bytes: 4 << 20)
        let (directory, views) = try Fixtures.segments(documents, label: "dictionary")
        Fixtures.removeDirectory(directory)
        let reader = views[0].reader
        dictionary = reader.dictionary
        termCount = dictionary.count
        let field = UInt8(reader.meta.fieldNumber("body")!)
        var all: [[UInt8]] = []
        try dictionary.enumerate(prefix: [field]) { term, _ in
            all.append(term)
            return true
        }
        var random = SplitMix64(seed: Fixtures.seed)
        keys = (0..<10_000).map { _ in all[random.nextInt(below: all.count)] }
        var sampler = QuerySampler(texts: Fixtures.texts(documents), seed: Fixtures.seed)
        prefixes = sampler.sample(.cjk1, count: 100).map { SegmentReader.key(field: field, term: $0.parts[0]) }
    }
}
