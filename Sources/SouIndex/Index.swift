import SouDocument
import SouFormat

/// One named index: writes go through its `IndexWriter` actor, reads take a `Snapshot`
/// without any actor hop.
public final class Index: Sendable {
    /// The index's name (also its directory's name).
    public let name: String
    /// The index's directory.
    public let directory: String
    let writer: IndexWriter
    let published: PublishedState

    init(name: String, directory: String, writer: IndexWriter) {
        self.name = name
        self.directory = directory
        self.writer = writer
        published = writer.published
    }

    /// Opens an existing index directory (checks every file's structure, replays the WAL; the
    /// segments' checksums are verified later, `verify(force:)`).
    /// - Throws: `IndexError.corrupt` naming the damaged file, `.notFound`, `.io`.
    static func open(name: String, directory: String, options: IndexOptions) async throws -> Index {
        let writer = try await IndexWriter.open(name: name, directory: directory, options: options)
        return Index(name: name, directory: directory, writer: writer)
    }

    /// Creates an empty index in `directory` (made 0700) with `settings`, then opens it.
    /// - Throws: `IndexError.exists` if the directory already holds an index (a manifest, or
    ///   segment or log files without one); `.io` if the
    ///   manifest cannot be written and made durable (it is then removed again, even if its
    ///   rename succeeded: the index was not created, and a retry must not find it).
    static func create(
        name: String,
        directory: String,
        settings: IndexSettings,
        options: IndexOptions
    ) async throws -> Index {
        try await BlockingIO.run {
            try SystemCalls.makeDirectory(directory)
            if SystemCalls.fileExists(directory + "/" + Manifest.fileName) || DataDirectory.holdsIndexFiles(directory) {
                throw IndexError.exists(name)
            }
            do {
                try Manifest(settings: settings).write(directory: directory)
                try DurableFile.syncDirectory(containing: directory)
            } catch {
                try? SystemCalls.removeFile(directory + "/" + Manifest.fileName)
                throw IndexError.wrap(error)
            }
        }
        return try await open(name: name, directory: directory, options: options)
    }

    /// The index's stored settings (field boosts).
    public var settings: IndexSettings { published.settings.withLock { $0 } }

    /// Adds or replaces (by external id) documents; later ones in the batch win.
    ///
    /// Returns once the batch is durable under the durability policy; it becomes
    /// searchable at the next refresh (within the refresh interval) or `commit()`.
    /// - Throws: `IndexError.invalidDocument` (nothing is written), `.io` (nothing is
    ///   written; e.g. disk full), `.closed`.
    public func add(_ documents: [Document]) async throws {
        do { try await writer.add(documents) } catch { throw IndexError.wrap(error) }
    }

    /// Deletes documents by external id.
    /// - Returns: how many of the ids named a live document.
    /// - Throws: `IndexError.io`, `.closed`.
    public func delete(ids: [String]) async throws -> Int {
        do { return try await writer.delete(ids: ids) } catch { throw IndexError.wrap(error) }
    }

    /// Makes every write so far searchable now and durable (writes a segment and a manifest).
    /// - Throws: `IndexError.io` (the writes stay in the log and are retried), `.closed`.
    public func commit() async throws {
        do { try await writer.commit() } catch { throw IndexError.wrap(error) }
    }

    /// The current snapshot: cheap (a copy under a `Mutex`), never waits for writers.
    public func snapshot() -> Snapshot { published.snapshot.withLock { $0 } }

    /// Counters of the index now; never waits for writers.
    public func stats() -> IndexStats {
        published.stats.withLock { $0 }
    }

    /// Commits buffered writes, stops merges and the refresh timer, closes the log.
    func close() async throws {
        do { try await writer.close() } catch { throw IndexError.wrap(error) }
    }
}
