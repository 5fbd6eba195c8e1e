import SouFormat

/// Follows a merge's output as it is written: drops the process's mappings of the inputs'
/// pages now and then, and lets the throttle pace the writes.
final class MergeProgress {
    private let inputs: [SegmentReader]
    private let throttle: MergeThrottle?
    /// Output bytes since the inputs' pages were last released.
    private var sinceRelease = 0

    /// Output bytes after which the merge drops its mappings of the inputs' pages: reading
    /// every page of the inputs must not leave them all resident in this process (they stay
    /// in the page cache; queries fault them back in cheaply).
    static let releaseInterval = 64 << 20

    init(inputs: [SegmentReader], throttle: MergeThrottle?) {
        self.inputs = inputs
        self.throttle = throttle
    }

    /// Called after every write of `bytes` output bytes.
    func wrote(_ bytes: Int) {
        throttle?.wrote(bytes)
        sinceRelease += bytes
        guard sinceRelease >= Self.releaseInterval else { return }
        sinceRelease = 0
        for input in inputs { input.releaseResidentPages() }
    }
}
