import ArgumentParser
import SouIndex

/// `sou check DATA_DIR`: the offline index checker (`IndexChecker`), run in this process on
/// the files; no daemon needed, none disturbed (it reads only and takes no lock).
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the indexes of a data directory offline (checksums, postings, norms, documents).",
        discussion: """
            Reads every file of every index under DATA_DIR (or of one index directory) and prints one line \
            per segment and log, each problem under it. Read-only and takes no lock: it may run beside a \
            soud serving the directory. Exit status: 0 no problem, 1 problems found, 2 not a data directory.
            """
    )

    @Argument(help: "The data directory (soud's --data-dir), or one index directory in it.")
    var dataDirectory: String

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    func run() throws {
        let report: CheckReport
        do {
            report = try IndexChecker(path: dataDirectory).check()
        } catch {
            throw CLIFailure.usage(error.description)
        }
        print(json ? report.json() : report.text(), terminator: json ? "\n" : "")
        if !report.isClean { throw CLIFailure.checkFailed }
    }
}
