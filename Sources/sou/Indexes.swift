import ArgumentParser
import Foundation

struct Indexes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the indexes.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let reply = try Reply.check(try Reply.call(try global.connect(), "INDEXES"))
        let names = reply["indexes"] as? [String] ?? []
        if global.json {
            printJSON(names)
        } else {
            for name in names { print(name) }
        }
    }
}
