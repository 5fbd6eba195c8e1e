import ArgumentParser
import Foundation

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
