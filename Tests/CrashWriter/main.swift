// A process for the crash tests: adds documents as fast as it can to the index in the data
// directory given as the first argument and prints each acknowledged id on its own line,
// then waits to be killed. The test kills it with SIGKILL at a random moment.
//
//     CrashWriter <data-directory> <id-prefix>
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SouIndex
import SouFormat

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    complain("usage: CrashWriter <data-directory> <id-prefix>")
    exit(2)
}

func complain(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func say(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + done, $0.count - done) }
        if n <= 0 { exit(3) }
        done += n
    }
}

let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
let options = IndexOptions(
    refreshInterval: .milliseconds(50),
    mergePolicy: .init(segmentsPerTier: 3, maxMergeAtOnce: 4, floorSegmentBytes: 1 << 20, maxConcurrentMerges: 2))
let catalog = try await IndexCatalog(dataDirectory: arguments[1], options: options)
guard let index = catalog.index(named: "default") else { exit(4) }
say("READY")
let prefix = arguments[2]

await withTaskGroup(of: Void.self) { group in
    // Four concurrent writers, so group commit shares fsyncs between them.
    for writer in 0..<4 {
        group.addTask {
            var n = 0
            while true {
                let ids = (0..<3).map { "\(prefix)-\(writer)-\(n + $0)" }
                n += 3
                let documents = ids.map { id in
                    Document(id: id, fields: [
                        StoredField(name: "body", value: "\(words[id.utf8.count % words.count]) token\(id.utf8.reduce(0) { $0 &+ Int($1) } % 50) \(id.replacingDashes())"),
                    ])
                }
                do {
                    try await index.add(documents)
                } catch {
                    complain("add failed: \(error)")
                    exit(5)
                }
                say(ids.joined(separator: " "))
            }
        }
    }
}


extension String {
    /// The id as one searchable word ("c3-1-27" → "c3x1x27").
    func replacingDashes() -> String { String(map { $0 == "-" ? "x" : $0 }) }
}
