import ArgumentParser
import Foundation

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one stored document as a JSON object. Exit status 1 when there is none.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document id.") var id: String

    func run() throws {
        let reply = try Reply.check(try Reply.call(try global.connect(), "GET \(id)"))
        printJSON(reply["document"] ?? [:])
    }
}

struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete documents by id.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Document ids.") var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one id") }
    }

    func run() throws {
        let reply = try Reply.check(try Reply.call(try global.connect(), "DELETE " + ids.joined(separator: " ")))
        let deleted = reply["deleted"] as? Int ?? 0
        if global.json { printJSON(["deleted": deleted]) } else { print("\(deleted) deleted") }
    }
}

struct Commit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Make every acknowledged write searchable now.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        _ = try Reply.check(try Reply.call(try global.connect(), "COMMIT"))
        if global.json { printJSON(["ok": true]) } else { print("committed") }
    }
}

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

struct Ping: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check that the daemon answers. Exit status 3 when not.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let connection = try global.connect()
        let started = ContinuousClock.now
        _ = try Reply.check(try Reply.call(connection, "PING"))
        let elapsed = ContinuousClock.now - started
        if global.json { printJSON(["ok": true]) } else { print("PONG from \(global.socketPath) in \(elapsed)") }
    }
}

struct Indexes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the indexes.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let reply = try Reply.check(try Reply.call(try global.connect(), "INDEXES"))
        let names = reply["indexes"] as? [String] ?? []
        if global.json { printJSON(names) } else { names.forEach { print($0) } }
    }
}
