import NIOPosix
import SouIndex
import SouProtocol

/// `DocumentExport` over a `LiveDocumentCursor`: each chunk is read (stored blocks inflated)
/// on the search pool, like every other stored-document read, never on the cooperative pool
/// or an event loop; between chunks the connection's task writes the replies, and suspends
/// while the client does not read them, so an export holds no search thread while it waits.
final class SnapshotExport: DocumentExport {
    /// The position; handed to a search thread by value and taken back advanced.
    private var cursor: LiveDocumentCursor
    private let pool: NIOThreadPool

    /// - Parameters:
    ///   - cursor: a cursor over the snapshot to export (it pins that snapshot).
    ///   - pool: the search threads.
    init(cursor: LiveDocumentCursor, pool: NIOThreadPool) {
        self.cursor = cursor
        self.pool = pool
    }

    func next(maxBytes: Int) async throws -> [ProtocolDocument]? {
        guard !cursor.isFinished else { return nil }
        let start = cursor
        let (documents, advanced) = try await pool.runIfActive {
            var cursor = start
            let documents = try cursor.next(maxBytes: maxBytes)
            return (documents, cursor)
        }
        cursor = advanced
        return documents.map { document in
            ProtocolDocument(id: document.id, fields: document.fields.map { (name: $0.name, value: $0.value) })
        }
    }
}
