import Synchronization

/// What readers of an index see without an actor hop: the current snapshot, the stats, the
/// settings and whether the index is out of service, each behind a `Mutex` held only long enough to copy the value.
final class PublishedState: Sendable {
    let snapshot = Mutex(Snapshot(segments: []))
    let stats = Mutex(IndexStats())
    let settings: Mutex<IndexSettings>
    /// Set when a segment failed verification: the index is out of service (every request
    /// to it gets this error) until it is reopened, restored or dropped.
    let outOfService = Mutex<IndexError?>(nil)

    init(settings: IndexSettings) {
        self.settings = Mutex(settings)
    }
}
