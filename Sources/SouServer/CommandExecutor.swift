import SouProtocol

/// Runs parsed requests against a `SearchBackend` and builds their responses.
///
/// Shared by every connection; per-connection state lives in `Session`. Never throws:
/// every failure becomes an `ERR` response (mapped once, in `ErrorMapping`).
public struct CommandExecutor: Sendable {
    let backend: any SearchBackend
    let configuration: Configuration
    let counters: ServerCounters

    /// - Parameters:
    ///   - backend: the engine.
    ///   - configuration: limits and the writer allowlist.
    ///   - counters: daemon counters for `STATS`.
    public init(backend: any SearchBackend, configuration: Configuration, counters: ServerCounters) {
        self.backend = backend
        self.configuration = configuration
        self.counters = counters
    }

    /// The refusal for a write by this session's peer, or nil when it may write.
    func writeRefusal(_ session: Session) -> ProtocolError? {
        guard !configuration.writerUIDs.isEmpty else { return nil }
        guard let uid = session.peer?.uid else {
            return ProtocolError(.forbidden, "write commands need peer credentials, which are unavailable")
        }
        return configuration.writerUIDs.contains(uid)
            ? nil : ProtocolError(.forbidden, "uid \(uid) may not run write commands")
    }

    /// Adds a batch of documents with one durable write and returns one response per document.
    ///
    /// A document the index refuses (`ERR BAD_DOCUMENT`: a bad field name, too many fields)
    /// fails the whole write before it reaches the log, so the batch is then retried one
    /// document at a time: each document gets its own answer, as if sent alone.
    public func add(_ documents: [ProtocolDocument], session: Session) async -> [Response] {
        if let refusal = writeRefusal(session) { return documents.map { _ in .error(refusal) } }
        do {
            try await backend.add(index: session.index, documents)
            return documents.map(Self.added)
        } catch {
            let mapped = ErrorMapping.protocolError(for: error)
            guard documents.count > 1, mapped.code == .badDocument else { return documents.map { _ in .error(mapped) } }
        }
        var responses: [Response] = []
        responses.reserveCapacity(documents.count)
        for document in documents {
            do {
                try await backend.add(index: session.index, [document])
                responses.append(Self.added(document))
            } catch {
                responses.append(.error(ErrorMapping.protocolError(for: error)))
            }
        }
        return responses
    }

    private static func added(_ document: ProtocolDocument) -> Response {
        .ok("added \(document.id)", fields: [("id", .string(document.id))])
    }

    /// Runs one request.
    public func execute(_ request: Request, session: inout Session) async -> Response {
        if request.isWrite, let refusal = writeRefusal(session) { return .error(refusal) }
        do {
            return try await run(request, session: &session)
        } catch {
            return .error(ErrorMapping.protocolError(for: error))
        }
    }

    private func deadline() -> ContinuousClock.Instant {
        .now + .milliseconds(configuration.queryTimeoutMilliseconds)
    }

    private func run(_ request: Request, session: inout Session) async throws -> Response {
        switch request {
        case .ping:
            return .ok("PONG")
        case .version:
            let text = "sou \(ProtocolVersion.software) protocol \(ProtocolVersion.protocolRevision)"
            return .ok(
                text,
                fields: [
                    ("version", .string(ProtocolVersion.software)),
                    ("protocol", .int(ProtocolVersion.protocolRevision)),
                ]
            )
        case .help(let name):
            if let name {
                guard let entry = CommandHelp.entry(name) else {
                    throw ProtocolError(.unknownCommand, "unknown command '\(name)'; try HELP")
                }
                return .ok(
                    entry.usage,
                    lines: [entry.usage, entry.summary],
                    fields: [("usage", .string(entry.usage)), ("summary", .string(entry.summary))]
                )
            }
            let lines = CommandHelp.entries.map { "\($0.usage)  -- \($0.summary)" }
            return .ok(
                "\(lines.count) commands",
                lines: lines,
                fields: [("commands", .array(lines.map(JSONValue.string)))]
            )
        case .quit:
            return Response(status: .ok("bye"), closesConnection: true)
        case .json(let on):
            session.json = on
            return .ok(on ? "JSON on" : "JSON off")
        case .search(let parameters):
            let started = ContinuousClock.now
            let outcome = try await backend.search(index: session.index, parameters, deadline: deadline())
            let took = ContinuousClock.now - started
            return SearchReply.response(outcome, parameters: parameters, took: took, json: session.json)
        case .count(let query):
            let count = try await backend.count(index: session.index, query: query, deadline: deadline())
            return .ok(String(count), fields: [("count", .int(count))])
        case .get(let id):
            guard let document = try await backend.document(index: session.index, id: id) else {
                throw ProtocolError(.notFound, "no document with id '\(id)' in index '\(session.index)'")
            }
            let json = document.json()
            return .ok("", lines: ["DOC " + json.encoded()], fields: [("document", json)])
        case .add(let document):
            try await backend.add(index: session.index, [document])
            return Self.added(document)
        case .delete(let ids):
            let deleted = try await backend.delete(index: session.index, ids: ids)
            return .ok("\(deleted) deleted", fields: [("deleted", .int(deleted))])
        case .commit:
            try await backend.commit(index: session.index)
            return .ok("committed")
        case .verify:
            let segments = try await backend.verify(index: session.index)
            return .ok("verified \(segments) segments", fields: [("segments", .int(segments))])
        case .stats:
            var pairs = try await backend.stats(index: session.index)
            pairs.insert(("index", .string(session.index)), at: 0)
            pairs += counters.pairs().map { ($0.0, JSONValue.int($0.1)) }
            let lines = pairs.map { "STAT \($0.0) \(Self.plain($0.1))" }
            return .ok("", lines: lines, fields: [("stats", .object(pairs))])
        case .export:
            // Streamed chunk by chunk by the connection (`ConnectionHandler.streamExport`):
            // one `Response` would hold the whole index.
            throw ProtocolError(.internalError, "EXPORT is streamed by the connection, not run as one response")
        case .use(let name):
            guard backend.hasIndex(name) else { throw ProtocolError(.noIndex, "no index named '\(name)'") }
            session.index = name
            return .ok("using \(name)", fields: [("index", .string(name))])
        case .indexes:
            let names = backend.indexNames()
            return .ok(
                "\(names.count) indexes",
                lines: names.map { "INDEX \($0)" },
                fields: [("indexes", .array(names.map(JSONValue.string)))]
            )
        case .create(let name, let boosts):
            try await backend.create(index: name, boosts: boosts)
            return .ok("created \(name)")
        case .drop(let name):
            try await backend.drop(index: name)
            if session.index == name { session.index = "default" }
            return .ok("dropped \(name)")
        }
    }

    /// A JSON value as STAT text: strings bare, everything else as JSON.
    static func plain(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.encoded()
    }
}
