import ArgumentParser
import Foundation
import SouClient

struct Raw: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Speak the protocol: request lines from standard input, responses to standard output.",
        discussion: "Requests are pipelined in batches of 100. Exit status 4 if any response was ERR."
    )
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let connection: SouConnection
        do {
            connection = try SouConnection(socketPath: global.socketPath)
        } catch {
            throw CLIFailure.unreachable(error.description)
        }
        var errors = 0
        var batch: [String] = []
        var closed = false
        func flush() throws {
            guard !batch.isEmpty, !closed else { return }
            do {
                try connection.write(Array((batch.joined(separator: "\n") + "\n").utf8))
                for _ in batch {
                    let response = try connection.readResponse()
                    for line in response.lines { print(line) }
                    print(response.final)
                    if !response.isOK { errors += 1 }
                }
            } catch ClientError.connectionLost {
                closed = true
            } catch {
                throw CLIFailure.unreachable(String(describing: error))
            }
            batch = []
        }
        var reader = LineReader(handle: FileHandle.standardInput)
        var readError: Error?
        do {
            while let line = try reader.next() {
                batch.append(line)
                if batch.count >= 100 { try flush() }
            }
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            readError = error
        }
        try flush()
        if let readError {
            throw CLIFailure.usage("standard input: cannot read: \(InputFile.reason(readError))")
        }
        if errors > 0 { throw CLIFailure.server("\(errors) requests failed") }
    }
}
