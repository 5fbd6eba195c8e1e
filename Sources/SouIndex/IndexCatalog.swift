import SouFormat
import Synchronization

/// The indexes of one data directory, which this catalog holds locked.
///
/// Layout: `<data>/LOCK`, `<data>/<name>/` per index (its `MANIFEST` — settings included —,
/// `wal-*.log`, segment and deletion files). A dropped index is renamed to
/// `<data>/.trash-<name>-<n>` and then removed, so a crash mid-drop never leaves a
/// half-deleted index that looks live.
public final class IndexCatalog: Sendable {
    public let dataDirectory: DataDirectory
    public let options: IndexOptions
    private let registry: Mutex<Registry>
    /// The background verification pass, once started (`verifyInBackground()`).
    let backgroundVerification = Mutex<Task<Void, Never>?>(nil)

    private struct Registry {
        var indexes: [String: Index] = [:]
        /// Indexes that failed verification at open: not served, only listed and droppable.
        var unusable: [String: IndexError] = [:]
        /// Names being created or dropped right now.
        var busy: Set<String> = []
        var closed = false
        var trashCounter = 0
    }

    /// The name of the index created in an empty data directory.
    public static let defaultIndexName = "default"

    /// Creates the directory (0700) if needed, takes its lock, opens every index (WAL
    /// replay), and creates `default` if there is none.
    ///
    /// An index that fails verification (a checksum, magic or structure error) does not keep
    /// the others from opening: it is not served, `unusableIndexes` reports why (naming the
    /// file), a warning is logged, and it can be dropped. Its files are left untouched.
    /// - Throws: `IndexError.locked(path:)` if another process holds the directory; `.io`.
    public init(dataDirectory: String, options: IndexOptions = .init()) async throws {
        self.options = options
        let directory = try DataDirectory(path: dataDirectory)
        self.dataDirectory = directory
        var opened: [String: Index] = [:]
        var unusable: [String: IndexError] = [:]
        do {
            let names = try await BlockingIO.run {
                try directory.removeTrash()
                return try directory.indexNames()
            }
            for name in names {
                do {
                    opened[name] = try await Index.open(
                        name: name,
                        directory: directory.indexPath(name),
                        options: options
                    )
                } catch {
                    let error = IndexError.wrap(error)
                    guard case .corrupt = error else { throw error }
                    unusable[name] = error
                    options.warningHandler("index '\(name)' is not served: \(error)")
                }
            }
            if opened.isEmpty && unusable.isEmpty {
                let name = Self.defaultIndexName
                opened[name] = try await Index.create(
                    name: name,
                    directory: directory.indexPath(name),
                    settings: .init(),
                    options: options
                )
            }
        } catch {
            for index in opened.values { try? await index.close() }
            directory.unlock()
            throw IndexError.wrap(error)
        }
        registry = Mutex(Registry(indexes: opened, unusable: unusable))
    }

    /// Whether `close()` has begun.
    public var isClosed: Bool { registry.withLock { $0.closed } }

    /// Names of the open indexes, sorted.
    public func names() -> [String] {
        registry.withLock { $0.indexes.keys.sorted() }
    }

    /// The index named `name`, or nil.
    public func index(named name: String) -> Index? {
        registry.withLock { $0.indexes[name] }
    }

    /// Indexes found on disk that failed verification at open, with why (`.corrupt`,
    /// naming the file). They are not served; `drop` removes them.
    public func unusableIndexes() -> [String: IndexError] {
        registry.withLock { $0.unusable }
    }

    /// Creates an empty index.
    ///
    /// - Parameters:
    ///   - name: `[a-z0-9][a-z0-9_-]{0,63}`.
    ///   - settings: stored in the index's manifest.
    /// - Throws: `IndexError.invalidName`, `.invalidSettings`, `.exists`, `.closed`, `.io`.
    @discardableResult
    public func create(_ name: String, settings: IndexSettings = .init()) async throws -> Index {
        guard DataDirectory.isValidIndexName(name) else { throw IndexError.invalidName(name) }
        if let violation = settings.violation { throw IndexError.invalidSettings(violation) }
        try registry.withLock { (registry: inout Registry) throws(IndexError) in
            if registry.closed { throw IndexError.closed(name) }
            if registry.indexes[name] != nil || registry.unusable[name] != nil || registry.busy.contains(name) {
                throw IndexError.exists(name)
            }
            registry.busy.insert(name)
        }
        do {
            let index = try await Index.create(
                name: name,
                directory: dataDirectory.indexPath(name),
                settings: settings,
                options: options
            )
            registry.withLock {
                $0.busy.remove(name)
                $0.indexes[name] = index
            }
            return index
        } catch {
            registry.withLock { _ = $0.busy.remove(name) }
            throw IndexError.wrap(error)
        }
    }

    /// Closes the index and removes its directory. Snapshots taken before keep working.
    ///
    /// The index is dropped once its directory is renamed to `.trash-*`; if the rename fails
    /// the index is opened again and stays served. Failing to remove the trash afterwards is
    /// only a warning (the next start removes it).
    /// An unusable index (see `unusableIndexes`) is dropped the same way.
    /// - Throws: `IndexError.notFound`; `.io` when the rename fails (the index is kept).
    public func drop(_ name: String) async throws {
        let (index, wasUnusable, trash) = try registry.withLock {
            (registry: inout Registry) throws(IndexError) -> (Index?, IndexError?, String) in
            let index = registry.indexes.removeValue(forKey: name)
            let unusable = index == nil ? registry.unusable.removeValue(forKey: name) : nil
            guard index != nil || unusable != nil else { throw IndexError.notFound(name) }
            registry.busy.insert(name)
            registry.trashCounter += 1
            return (index, unusable, ".trash-\(name)-\(registry.trashCounter)")
        }
        defer { registry.withLock { _ = $0.busy.remove(name) } }
        try? await index?.close()
        let directory = dataDirectory
        let trashPath = directory.path + "/" + trash
        do {
            try await BlockingIO.run {
                try? SystemCalls.removeTree(trashPath)
                try SystemCalls.rename(directory.indexPath(name), trashPath)
            }
        } catch {
            // Not dropped: the directory is where it was. Open it again so the index does
            // not vanish until the next start.
            if let wasUnusable {
                registry.withLock { $0.unusable[name] = wasUnusable }
            } else if let reopened = try? await Index.open(
                name: name,
                directory: directory.indexPath(name),
                options: options
            ) {
                registry.withLock { $0.indexes[name] = reopened }
            }
            throw IndexError.wrap(error)
        }
        // Dropped. What is left is clean-up: a start removes any `.trash-*` it finds.
        let warn = options.warningHandler
        try? await BlockingIO.run {
            do { try DurableFile.syncDirectory(directory.path) } catch { warn("drop '\(name)': \(error)") }
            do { try SystemCalls.removeTree(trashPath) } catch {
                warn("drop '\(name)': \(error); removed at next start")
            }
        }
    }

    /// Commits and closes every index, then releases the lock. Idempotent.
    public func close() async throws {
        let indexes = registry.withLock { registry -> [Index] in
            if registry.closed { return [] }
            registry.closed = true
            backgroundVerification.withLock { $0?.cancel() }
            let all = Array(registry.indexes.values)
            registry.indexes = [:]
            return all
        }
        var failure: (any Error)?
        for index in indexes {
            do { try await index.close() } catch { failure = failure ?? error }
        }
        dataDirectory.unlock()
        if let failure { throw IndexError.wrap(failure) }
    }
}
