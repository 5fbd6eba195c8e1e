import SouDocument

/// Documents added since the last refresh, in arrival order, at most one per external id
/// (an upsert of a buffered id replaces it in place: last write wins).
///
/// Ids are compared byte for byte, as segments compare them (their id terms are UTF-8
/// keys), not as Swift `String`s, which are equal when canonically equivalent: `é` and
/// `e` + U+0301 are two ids everywhere, or a buffered upsert would skip deleting the
/// other one from the segments and a DELETE of one would remove the other.
struct DocumentBuffer {
    private var slots: [Document?] = []
    private var slotByID: [[UInt8]: Int] = [:]
    private(set) var estimatedBytes = 0

    var count: Int { slotByID.count }
    var isEmpty: Bool { slotByID.isEmpty }

    func contains(_ id: String) -> Bool { slotByID[Array(id.utf8)] != nil }

    /// Adds `document`, replacing a buffered one with the same id.
    mutating func upsert(_ document: Document) {
        let key = Array(document.id.utf8)
        if let slot = slotByID[key] { slots[slot] = nil }
        slotByID[key] = slots.count
        slots.append(document)
        estimatedBytes += document.fields.reduce(64 + document.id.utf8.count) {
            $0 + $1.name.utf8.count + $1.value.utf8.count
        }
    }

    /// Removes the buffered document with `id`. - Returns: whether there was one.
    mutating func remove(_ id: String) -> Bool {
        guard let slot = slotByID.removeValue(forKey: Array(id.utf8)) else { return false }
        slots[slot] = nil
        return true
    }

    /// The buffered documents in arrival order.
    var documents: [Document] { slots.compactMap { $0 } }
}
