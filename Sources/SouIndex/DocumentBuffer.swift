/// Documents added since the last refresh, in arrival order, at most one per external id
/// (an upsert of a buffered id replaces it in place: last write wins).
struct DocumentBuffer {
    private var slots: [Document?] = []
    private var slotByID: [String: Int] = [:]
    private(set) var estimatedBytes = 0

    var count: Int { slotByID.count }
    var isEmpty: Bool { slotByID.isEmpty }

    func contains(_ id: String) -> Bool { slotByID[id] != nil }

    /// Adds `document`, replacing a buffered one with the same id.
    mutating func upsert(_ document: Document) {
        if let slot = slotByID[document.id] { slots[slot] = nil }
        slotByID[document.id] = slots.count
        slots.append(document)
        estimatedBytes += document.fields.reduce(64 + document.id.utf8.count) { $0 + $1.name.utf8.count + $1.value.utf8.count }
    }

    /// Removes the buffered document with `id`. - Returns: whether there was one.
    mutating func remove(_ id: String) -> Bool {
        guard let slot = slotByID.removeValue(forKey: id) else { return false }
        slots[slot] = nil
        return true
    }

    /// The buffered documents in arrival order.
    var documents: [Document] { slots.compactMap { $0 } }
}
