/// The files of one segment, all named `<segment>.<extension>` in the index directory
/// (docs/FORMAT.md §11).
public enum SegmentFile: String, CaseIterable, Sendable {
    case meta
    case dictionary = "dict"
    case postings = "post"
    case positions = "pos"
    case storedFields = "store"
    case fieldNorms = "norms"
    /// Since format 1.1; a segment whose manifest entry does not list it predates it.
    case ids

    public func path(directory: String, segment: String) -> String {
        "\(directory)/\(segment).\(rawValue)"
    }

    public func fileName(segment: String) -> String { "\(segment).\(rawValue)" }
}
