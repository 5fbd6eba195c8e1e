import Foundation
import SouClient

/// Sends `ADD` lines in pipelined batches and counts the replies.
///
/// A batch of up to `batchSize` lines is written at once, so that the daemon can make the
/// whole batch durable with one log write. Up to `batchesInFlight` batches are written before
/// the oldest one's replies are read: the daemon parses and logs the next batch while this
/// side reads the replies of the last, instead of both waiting in turn. Replies come in
/// request order on one connection, so each is matched to its line; replies are a few bytes
/// per line, so the batches in flight cannot fill the socket's buffer in the other direction.
struct DocumentSender {
    let connection: SouConnection
    var batchSize = 256
    var batchesInFlight = 4
    var pending: [String] = []
    var pendingBytes = 0
    /// Batches written whose replies are not read yet, oldest first, with their sizes in bytes.
    var inFlight: [(lines: [String], bytes: Int)] = []
    var added = 0
    var failures: [String] = []
    var progress = Progress()
    var expectedTotal: Int?
    /// Called once, with the id of the first document the daemon acknowledged (`sou bench
    /// index` starts watching for it to become searchable).
    var onFirstAdded: ((String) -> Void)?

    init(connection: SouConnection) {
        self.connection = connection
    }

    /// Queues one document (a JSON object on one line); sends when the batch is full.
    mutating func add(json: String) throws {
        pending.append("ADD " + json)
        pendingBytes += json.utf8.count
        if pending.count >= batchSize || pendingBytes >= 4 << 20 { try flush() }
    }

    /// Notes a document that could not even be sent (e.g. unreadable file).
    mutating func fail(_ message: String) {
        failures.append(message)
        progress.errors += 1
    }

    /// Sends the queued documents as one batch; reads replies while more than
    /// `batchesInFlight` batches are unanswered.
    mutating func flush() throws {
        if !pending.isEmpty {
            do {
                try connection.write(Array((pending.joined(separator: "\n") + "\n").utf8))
            } catch {
                throw CLIFailure.unreachable(error.description)
            }
            inFlight.append((pending, pendingBytes))
            pending = []
            pendingBytes = 0
        }
        while inFlight.count > max(batchesInFlight, 1) { try readOldestReplies() }
    }

    /// Sends what is queued and reads every outstanding reply.
    mutating func drain() throws {
        try flush()
        while !inFlight.isEmpty { try readOldestReplies() }
    }

    /// Reads the replies of the oldest batch in flight.
    private mutating func readOldestReplies() throws {
        let batch = inFlight.removeFirst()
        for line in batch.lines {
            let response: ClientResponse
            do {
                response = try connection.readResponse()
            } catch {
                throw CLIFailure.unreachable(error.description)
            }
            if response.isOK {
                if added == 0, let onFirstAdded {
                    onFirstAdded(Self.id(in: line))
                    self.onFirstAdded = nil
                }
                added += 1
            } else {
                let reply = Reply.parse(response)
                let id = Self.id(in: line)
                fail("\(id): \(reply["code"] as? String ?? "") \(reply["message"] as? String ?? "")")
            }
        }
        progress.documents += batch.lines.count
        progress.bytes += batch.bytes
        progress.update(total: expectedTotal)
    }

    /// Flushes, commits, clears the progress line and prints the summary to stderr.
    mutating func finish(commit: Bool, json: Bool) throws {
        try complete(commit: commit)
        printFailures()
        let summary = String(
            format: "%d documents added, %d failed, %.1f MB in %.2f s (%@)",
            added,
            failures.count,
            Double(progress.bytes) / 1_048_576,
            progress.seconds,
            progress.rates
        )
        if json {
            printJSON(["added": added, "failed": failures.count, "bytes": progress.bytes, "seconds": progress.seconds])
        } else {
            printError(summary)
        }
        if !failures.isEmpty { throw CLIFailure.server("\(failures.count) documents were not added") }
    }

    /// Sends what is queued, then `COMMIT` when `commit`, and clears the progress line.
    mutating func complete(commit: Bool) throws {
        try drain()
        if commit { _ = try Reply.check(try Reply.call(connection, "COMMIT")) }
        progress.finish()
    }

    /// Prints the first ten failures to stderr.
    func printFailures() {
        for failure in failures.prefix(10) { printError("sou: error: \(failure)") }
        if failures.count > 10 { printError("sou: … and \(failures.count - 10) more errors") }
    }

    static func id(in line: String) -> String {
        let json = Data(line.dropFirst(4).utf8)
        if let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
            let id = object["id"] as? String
        {
            return id
        }
        return "line"
    }
}
