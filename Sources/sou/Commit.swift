import ArgumentParser
import Foundation

struct Commit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Make every acknowledged write searchable now.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        _ = try Reply.check(try Reply.call(try global.connect(), "COMMIT"))
        if global.json { printJSON(["ok": true]) } else { print("committed") }
    }
}
