import SouProtocol

extension ConnectionHandler {
    /// Streams one `EXPORT`: a `DOC {json}` line per live document of the index's current
    /// snapshot, then `OK <n> exported` (or, when the export fails part way, `ERR …` after
    /// the lines already sent). See docs/PROTOCOL.md, "EXPORT".
    ///
    /// The reply is never built whole: chunks of about `flushBytes` are read on the search
    /// pool and handed to `send` as soon as `output` holds `flushBytes`, and `send` suspends
    /// while the client does not read, so memory stays about two chunks plus one document,
    /// whatever the index's size. Shutdown ends the export between chunks with
    /// `ERR SHUTTING_DOWN`.
    ///
    /// - Parameters:
    ///   - session: the connection's state (its index; JSON mode refuses the command).
    ///   - output: replies not yet sent; this reply is appended, and sent in part.
    ///   - flushBytes: pending bytes after which `send` is called.
    ///   - send: writes a chunk; it may suspend (backpressure).
    /// - Returns: the final line's response (`OK <n> exported` or an error), not yet in `output`.
    /// - Throws: what `send` throws (the peer went away).
    func streamExport(
        session: Session,
        output: inout String,
        flushBytes: Int,
        send: (String) async throws -> Void
    ) async rethrows -> Response {
        guard !session.json else {
            return .error(
                ProtocolError(
                    .syntax,
                    "EXPORT streams one DOC line per document and has no JSON form; send JSON OFF first "
                        + "(each DOC line holds the document as a JSON object)"
                )
            )
        }
        let export: any DocumentExport
        do {
            export = try executor.backend.export(index: session.index)
        } catch {
            return .error(ErrorMapping.protocolError(for: error))
        }
        var exported = 0
        while true {
            if output.utf8.count >= flushBytes {
                try await send(output)
                output = ""
            }
            if registry.isShuttingDown || Task.isCancelled {
                return .error(
                    ProtocolError(
                        .shuttingDown,
                        "the daemon is shutting down; export cut off after \(exported) documents"
                    )
                )
            }
            let documents: [ProtocolDocument]?
            do {
                documents = try await export.next(maxBytes: flushBytes)
            } catch {
                let mapped = ErrorMapping.protocolError(for: error)
                return .error(
                    ProtocolError(mapped.code, "export cut off after \(exported) documents: \(mapped.message)")
                )
            }
            guard let documents else {
                return .ok("\(exported) exported", fields: [("exported", .int(exported))])
            }
            for document in documents {
                output += "DOC "
                output += document.json().encoded()
                output += "\n"
            }
            exported += documents.count
        }
    }
}
