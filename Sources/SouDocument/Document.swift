/// A document: an external id and named text fields, in the order given. Stored as is.
///
/// The one document type of every layer: the format layer stores it, the index builds
/// segments of it, queries return its fields, and the server turns wire documents into it.
public struct Document: Sendable, Equatable {
    /// One named text field and its original (unanalyzed) value.
    public struct Field: Sendable, Equatable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The external id (the `_id` a client chose); `DocumentID` says which ids are valid.
    public var id: String
    public var fields: [Field]

    public init(id: String, fields: [Field]) {
        self.id = id
        self.fields = fields
    }

    /// The value of the first field named `name`, or `nil` if there is none.
    public subscript(field name: String) -> String? {
        fields.first { $0.name == name }?.value
    }
}
