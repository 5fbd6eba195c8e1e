import ArgumentParser
import Foundation

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one stored document as a JSON object. Exit status 1 when there is none."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document id.") var id: String

    func run() throws {
        try RequestWords.checkID(id)
        let reply = try Reply.check(try Reply.call(try global.connect(), "GET \(id)"))
        printJSON(reply["document"] ?? [:])
    }
}
