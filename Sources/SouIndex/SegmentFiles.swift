/// The files of one segment, all named `<segment>.<extension>` in the index directory
/// (docs/FORMAT.md §11).
public enum SegmentFile: String, CaseIterable, Sendable {
    case meta
    case dictionary = "dict"
    case postings = "post"
    case positions = "pos"
    case storedFields = "store"
    case fieldNorms = "norms"

    public func path(directory: String, segment: String) -> String {
        "\(directory)/\(segment).\(rawValue)"
    }

    public func fileName(segment: String) -> String { "\(segment).\(rawValue)" }
}
