import Logging
import NIOCore
import SouProtocol

/// Serves one connection in its own task: reads batches of frames, runs each request in
/// order (consecutive `ADD`s as one durable batch), writes the replies of a batch at once.
///
/// Never throws; a failed write or a closed peer just ends the connection.
struct ConnectionHandler: Sendable {
    let executor: CommandExecutor
    let parser: RequestParser
    let registry: ConnectionRegistry
    let counters: ServerCounters
    let configuration: Configuration
    let logger: Logger

    func serve(_ connection: NIOAsyncChannel<[Frame], ByteBuffer>) async {
        let id: Int
        switch registry.register(connection.channel, limit: configuration.maxConnections) {
        case .success(let value):
            id = value
        case .failure(let refusal):
            let error =
                refusal == .full
                ? ProtocolError(.busy, "too many connections (max \(configuration.maxConnections))")
                : ProtocolError(.shuttingDown, "the daemon is shutting down")
            logger.notice("refused connection", metadata: ["reason": "\(error.code.rawValue)"])
            try? await connection.executeThenClose { _, outbound in
                try await outbound.write(ByteBuffer(string: Response.error(error).encodedText()))
            }
            return
        }
        counters.openConnections.add(1, ordering: .relaxed)
        counters.totalConnections.add(1, ordering: .relaxed)
        defer {
            registry.unregister(id)
            counters.openConnections.subtract(1, ordering: .relaxed)
        }
        let peer = await PeerCredentials.of(connection.channel)
        var session = Session(peer: peer)
        logger.debug("connection opened", metadata: ["uid": "\(peer.map { String($0.uid) } ?? "?")"])
        do {
            try await connection.executeThenClose { inbound, outbound in
                for try await batch in inbound {
                    guard registry.markBusy(id) else {
                        // Read but not started: tell the client each was not run.
                        let refusal = Response.error(ProtocolError(.shuttingDown, "the daemon is shutting down; not run"))
                        let text = String(repeating: refusal.encoded(json: session.json), count: batch.count)
                        try await outbound.write(ByteBuffer(string: text))
                        break
                    }
                    let (output, close) = await answer(batch, session: &session)
                    try await outbound.write(ByteBuffer(string: output))
                    if close { break }
                    guard registry.markIdle(id) else { break }
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Runs every request of one batch in order and returns the concatenated replies.
    func answer(_ batch: [Frame], session: inout Session) async -> (String, close: Bool) {
        let requests: [Result<Request, ProtocolError>] = batch.map { frame in
            switch frame {
            case .tooLong:
                return .failure(
                    ProtocolError(.lineTooLong, "line longer than \(configuration.maxLineBytes) bytes; discarded"))
            case .unterminated:
                return .failure(ProtocolError(.syntax, "input ended inside a request (no newline after it); not run"))
            case .line(let buffer):
                return Result { () throws(ProtocolError) -> Request in
                    try parser.parse(buffer.readableBytesView)
                }
            }
        }
        var output = ""
        var index = 0
        while index < requests.count {
            if registry.isShuttingDown || Task.isCancelled {
                // Shutdown began while this batch ran: the running request finished; the
                // ones after it are not started (as for batches read later).
                let refusal = Response.error(ProtocolError(.shuttingDown, "the daemon is shutting down; not run"))
                for _ in index..<requests.count { emit(refusal, into: &output, session: session) }
                return (output, true)
            }
            counters.requests.add(1, ordering: .relaxed)
            if case .success(.add) = requests[index] {
                var documents: [ProtocolDocument] = []
                while index < requests.count, case .success(.add(let document)) = requests[index] {
                    documents.append(document)
                    index += 1
                }
                if documents.count > 1 { counters.requests.add(documents.count - 1, ordering: .relaxed) }
                for response in await executor.add(documents, session: session) {
                    emit(response, into: &output, session: session)
                }
                continue
            }
            let response: Response
            switch requests[index] {
            case .success(let request): response = await executor.execute(request, session: &session)
            case .failure(let error): response = .error(error)
            }
            index += 1
            emit(response, into: &output, session: session)
            if response.closesConnection { return (output, true) }
        }
        return (output, false)
    }

    private func emit(_ response: Response, into output: inout String, session: Session) {
        if case .error = response.status { counters.errors.add(1, ordering: .relaxed) }
        output += response.encoded(json: session.json)
    }
}
