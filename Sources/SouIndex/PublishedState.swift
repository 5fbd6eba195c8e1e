import Synchronization

/// What readers of an index see without an actor hop: the current snapshot, the stats and
/// the settings, each behind a `Mutex` held only long enough to copy the value.
final class PublishedState: Sendable {
    let snapshot = Mutex(Snapshot(segments: []))
    let stats = Mutex(IndexStats())
    let settings: Mutex<IndexSettings>

    init(settings: IndexSettings) {
        self.settings = Mutex(settings)
    }
}
