import Logging
import NIOCore
import SouProtocol

/// Serves one connection in its own task: reads batches of frames, runs each request in
/// order (consecutive `ADD`s as one durable batch) and writes the replies as they are made.
///
/// Memory per connection stays bounded whatever the client does:
/// - Output: replies are handed to the socket whenever `flushBytes` of them are pending
///   (and at the end of each batch), never a whole batch at once (1,024 pipelined
///   `SEARCH fields=*` could add up to gigabytes), and an `EXPORT` reply is made and sent
///   chunk by chunk (`streamExport`). The write suspends while the channel is
///   not writable (more than its high watermark queued, see `Daemon`), so for a client that
///   does not read, no further request runs until it reads.
/// - Input: while the task is suspended it consumes no batches; `NIOAsyncChannel` then stops
///   calling `read()` on the socket once `inboundBatches` batches wait.
///
/// Never throws; a failed write or a closed peer just ends the connection.
struct ConnectionHandler: Sendable {
    /// Pending reply bytes that are written out at once instead of gathered further.
    static let flushBytes = 64 << 10
    /// Unconsumed inbound batches after which the socket is no longer read.
    static let inboundBatches = (low: 2, high: 4)

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
                await Self.flush(connection)
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
                // Once shutdown begins, the socket is no longer read (its input side is
                // closed) and every batch already read is answered, each request with
                // SHUTTING_DOWN; then the inbound stream ends and the connection closes.
                var draining = false
                /// - Returns: false if the input side could not be closed: then end now.
                func drain() async -> Bool {
                    guard !draining else { return true }
                    draining = true
                    do {
                        try await connection.channel.close(mode: .input)
                        return true
                    } catch ChannelError.inputClosed {
                        return true  // the client half-closed: the stream ends after what was read
                    } catch {
                        return false
                    }
                }
                for try await batch in inbound {
                    guard !draining, registry.markBusy(id) else {
                        // Read but not started: tell the client each was not run.
                        let refusal = Response.error(
                            ProtocolError(.shuttingDown, "the daemon is shutting down; not run")
                        )
                        let text = String(repeating: refusal.encoded(json: session.json), count: batch.count)
                        try await outbound.write(ByteBuffer(string: text))
                        if await drain() { continue } else { break }
                    }
                    // Suspends while the client does not read its replies (backpressure).
                    let close = try await answer(batch, session: &session) { text in
                        try await outbound.write(ByteBuffer(string: text))
                    }
                    if session.ended { break }  // QUIT: nothing after `OK bye`
                    if close || !registry.markIdle(id), await !drain() { break }
                }
                await Self.flush(connection)
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Waits until every reply handed to the socket is written.
    ///
    /// `executeThenClose` closes the channel as soon as its closure returns, and a write
    /// returns once queued, not written: without this, the replies still queued (most of a
    /// few large ones) were dropped when the client half-closed (`printf … | socat`), sent
    /// `QUIT`, or shutdown began (apple/swift-nio#2795). An empty write completes after
    /// every write queued before it (NIO completes writes in order); closing the output
    /// side would not wait once the input is closed. A client that never reads keeps this
    /// waiting until it goes away or the shutdown timeout closes every connection.
    static func flush(_ connection: NIOAsyncChannel<[Frame], ByteBuffer>) async {
        try? await connection.channel.writeAndFlush(ByteBuffer())
    }

    /// Runs every request of one batch in order and hands their replies to `send`, in
    /// order, in chunks of about `flushBytes` (one reply larger than that is one chunk).
    ///
    /// - Parameters:
    ///   - batch: the frames read together; consecutive `ADD`s run as one durable batch.
    ///   - session: the connection's state (`USE`, `JSON`).
    ///   - flushBytes: pending reply bytes after which `send` is called.
    ///   - send: writes a chunk of replies; it may suspend (backpressure) and no further
    ///     request runs meanwhile.
    /// - Returns: whether the connection should close (`QUIT`, shutdown).
    /// - Throws: what `send` throws (the peer went away); the requests after it do not run.
    func answer(
        _ batch: [Frame],
        session: inout Session,
        flushBytes: Int = Self.flushBytes,
        send: (String) async throws -> Void
    ) async rethrows -> Bool {
        let requests: [Result<Request, ProtocolError>] = batch.map { frame in
            switch frame {
            case .tooLong:
                return .failure(
                    ProtocolError(.lineTooLong, "line longer than \(configuration.maxLineBytes) bytes; discarded")
                )
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
            if output.utf8.count >= flushBytes {
                try await send(output)
                output = ""
            }
            if registry.isShuttingDown || Task.isCancelled {
                // Shutdown began while this batch ran: the running request finished; the
                // ones after it are not started (as for batches read later).
                let refusal = Response.error(ProtocolError(.shuttingDown, "the daemon is shutting down; not run"))
                for _ in index..<requests.count { emit(refusal, into: &output, session: session) }
                try await send(output)
                return true
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
            if case .success(.export) = requests[index] {
                // The one reply streamed as it is read: it can be larger than memory.
                index += 1
                let final = try await streamExport(
                    session: session,
                    output: &output,
                    flushBytes: flushBytes,
                    send: send
                )
                emit(final, into: &output, session: session)
                continue
            }
            let response: Response
            switch requests[index] {
            case .success(let request): response = await executor.execute(request, session: &session)
            case .failure(let error): response = .error(error)
            }
            index += 1
            emit(response, into: &output, session: session)
            if response.closesConnection {
                session.ended = true
                try await send(output)
                return true
            }
        }
        if !output.isEmpty { try await send(output) }
        return false
    }

    private func emit(_ response: Response, into output: inout String, session: Session) {
        if case .error = response.status { counters.errors.add(1, ordering: .relaxed) }
        output += response.encoded(json: session.json)
    }
}
