import ArgumentParser
import Foundation

/// `sou`: the command-line client of `soud`.
struct Sou: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sou",
        abstract: "Command-line client for the Sou search daemon (soud).",
        discussion: """
            Exit status: 0 ok, 1 no results / not found, 2 usage error, 3 daemon unreachable, 4 server error.
            sou check: 1 when it finds problems.
            Socket: --socket, else $SOU_SOCKET, else the daemon's default. Colour only on a terminal; NO_COLOR disables it.
            """,
        subcommands: [
            Search.self, Add.self, IndexFiles.self, Get.self, Delete.self, Commit.self, Stats.self, Ping.self,
            Indexes.self, Export.self, Raw.self, Bench.self, Check.self,
        ]
    )

    /// Subcommands that hold subcommands: global options given before them go after the second word.
    static let groups: Set<String> = ["bench"]

    /// Moves options given before the subcommand name (`sou --socket S search q`) after it,
    /// where the subcommand's `GlobalOptions` parse them.
    static func reorder(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--json" {
                leading.append(argument)
                index += 1
            } else if argument == "--socket" || argument == "--index", index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else if argument.hasPrefix("--socket=") || argument.hasPrefix("--index=") {
                leading.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        if groups.contains(arguments[index]), index + 1 < arguments.count {
            return [arguments[index], arguments[index + 1]] + leading + arguments[(index + 2)...]
        }
        return [arguments[index]] + leading + arguments[(index + 1)...]
    }

    /// Parses, runs, and exits with the documented status.
    static func runMain() -> Never {
        let arguments = reorder(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let failure as CLIFailure {
            if !failure.message.isEmpty { printError("sou: \(failure.message)") }
            Foundation.exit(failure.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            printError(fullMessage(for: error))
            Foundation.exit(2)
        }
    }
}
