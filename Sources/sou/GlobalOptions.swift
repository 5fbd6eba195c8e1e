import ArgumentParser
import Foundation
import SouClient
import SouProtocol

/// Options every subcommand takes (also accepted before the subcommand name).
struct GlobalOptions: ParsableArguments {
    @Option(help: "The daemon's socket (default: $SOU_SOCKET, else $TMPDIR/sou-<uid>.sock or /tmp/sou-<uid>.sock).")
    var socket: String?

    @Option(help: "The index to use (default: the daemon's 'default' index).")
    var index: String?

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    /// The socket path: --socket, $SOU_SOCKET, or the daemon's default.
    var socketPath: String {
        if let socket { return socket }
        if let env = ProcessInfo.processInfo.environment["SOU_SOCKET"], !env.isEmpty { return env }
        var directory = "/tmp"
        if let tmp = ProcessInfo.processInfo.environment["TMPDIR"], !tmp.isEmpty {
            directory = tmp.hasSuffix("/") ? String(tmp.dropLast()) : tmp
        }
        return "\(directory)/sou-\(getuid()).sock"
    }

    /// Connects, switches to JSON replies and to `--index`.
    ///
    /// - Parameter creatingIndex: first `CREATE` the `--index` when it does not exist.
    /// - Throws: `CLIFailure.usage` (an `--index` that is not one word), `.unreachable` or `.server`.
    func connect(creatingIndex: Bool = false) throws -> SouConnection {
        if let index { try RequestWords.checkIndexName(index) }
        let connection: SouConnection
        do {
            connection = try SouConnection(socketPath: socketPath)
        } catch {
            throw CLIFailure.unreachable(error.description)
        }
        _ = try Reply.check(try Reply.call(connection, "JSON ON"))
        if let index {
            if creatingIndex {
                let reply = try Reply.call(connection, "CREATE \(index)")
                if reply["code"] as? String != ErrorCode.indexExists.rawValue { _ = try Reply.check(reply) }
            }
            _ = try Reply.check(try Reply.call(connection, "USE \(index)"))
        }
        return connection
    }
}
