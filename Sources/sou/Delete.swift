import ArgumentParser
import Foundation

struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete documents by id.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Document ids.") var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one id") }
    }

    func run() throws {
        // Each id must stay one word of the request line: "ca cb" would delete ca and cb.
        for id in ids { try RequestWords.checkID(id) }
        let reply = try Reply.check(try Reply.call(try global.connect(), "DELETE " + ids.joined(separator: " ")))
        let deleted = reply["deleted"] as? Int ?? 0
        if global.json { printJSON(["deleted": deleted]) } else { print("\(deleted) deleted") }
    }
}
