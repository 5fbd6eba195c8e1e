import Foundation
import SouCorpus

// sou-corpus: writes a deterministic JSON-lines corpus, or samples queries from one.
//
//   sou-corpus [--seed N] [--size 20MB] [--kind chinese|english|mixed] [--output FILE]
//   sou-corpus queries --input FILE [--per-class N] [--seed N]

let usage = """
    usage: sou-corpus [--seed N] [--size SIZE] [--kind chinese|english|mixed] [--output FILE]
           sou-corpus queries --input FILE.jsonl [--per-class N] [--seed N]
      SIZE: bytes with an optional KB/MB/GB suffix (powers of 1024), 1MB to 1GB; default 20MB.
      Writes {"id":…,"title":…,"body":…} lines (the format `sou add` reads) to FILE or stdout.
      `queries` prints one JSON object per line: {"class":…,"parts":[…],"sou":…}.
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("sou-corpus: \(message)\n\(usage)\n".utf8))
    exit(2)
}

func parseSize(_ text: String) -> Int? {
    let upper = text.uppercased()
    let units: [(String, Int)] = [
        ("GB", 1 << 30), ("G", 1 << 30), ("MB", 1 << 20), ("M", 1 << 20), ("KB", 1 << 10), ("K", 1 << 10), ("B", 1),
    ]
    for (suffix, scale) in units where upper.hasSuffix(suffix) {
        return Double(upper.dropLast(suffix.count)).map { Int($0 * Double(scale)) }
    }
    return Int(upper)
}

var arguments = Array(CommandLine.arguments.dropFirst())
let samplingQueries = arguments.first == "queries"
if samplingQueries { arguments.removeFirst() }
var options: [String: String] = [:]
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    if flag == "-h" || flag == "--help" {
        print(usage)
        exit(0)
    }
    guard flag.hasPrefix("--"), !arguments.isEmpty else { fail("bad argument \(flag)") }
    options[String(flag.dropFirst(2))] = arguments.removeFirst()
}
guard let seed = UInt64(options["seed"] ?? "1") else { fail("--seed takes an integer") }

if samplingQueries {
    guard let input = options["input"] else { fail("queries needs --input") }
    guard let perClass = Int(options["per-class"] ?? "20"), perClass > 0 else {
        fail("--per-class takes a positive integer")
    }
    let corpus: [JSONLDocument]
    do { corpus = try JSONLines.read(path: input).documents } catch { fail("\(error)") }
    var sampler = QuerySampler(texts: corpus.map(\.text), seed: seed)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    for query in sampler.sampleAll(perClass: perClass) {
        let object: [String: Any] = ["class": query.queryClass.rawValue, "parts": query.parts, "sou": query.sou]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }
    exit(0)
}

guard let size = parseSize(options["size"] ?? "20MB"), size > 0, size <= 1 << 40 else { fail("bad --size") }
guard let kind = CorpusKind(rawValue: options["kind"] ?? "chinese") else { fail("--kind is chinese, english or mixed") }
let output: UnsafeMutablePointer<FILE>
if let path = options["output"] {
    guard let file = fopen(path, "w") else { fail("cannot write \(path)") }
    output = file
} else {
    guard let file = fdopen(STDOUT_FILENO, "w") else { fail("cannot write standard output") }
    output = file
}

var generator = CorpusGenerator(seed: seed, kind: kind)
var buffer: [UInt8] = []
buffer.reserveCapacity(1 << 21)
var written = 0
while written < size {
    let document = generator.next()
    let before = buffer.count
    CorpusGenerator.appendJSONLine(document, to: &buffer)
    written += buffer.count - before
    if buffer.count >= 1 << 20 {
        guard fwrite(buffer, 1, buffer.count, output) == buffer.count else { fail("write failed") }
        buffer.removeAll(keepingCapacity: true)
    }
}
guard fwrite(buffer, 1, buffer.count, output) == buffer.count, fflush(output) == 0 else { fail("write failed") }
fclose(output)
