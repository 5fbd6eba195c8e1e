import ArgumentParser
import Foundation

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Index and daemon statistics.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let reply = try Reply.check(try Reply.call(try global.connect(), "STATS"))
        let stats = reply["stats"] as? [String: Any] ?? [:]
        if global.json {
            printJSON(stats)
        } else {
            for (key, value) in stats.sorted(by: { $0.key < $1.key }) { print("\(key) \(value)") }
        }
    }
}
