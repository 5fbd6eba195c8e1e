import SouFormat

/// Per-index settings, stored in the index's manifest (docs/FORMAT.md §9).
public struct IndexSettings: Sendable, Codable, Equatable {
    /// Score multiplier per field name; fields not listed have boost 1.
    public var boosts: [String: Float]

    /// - Parameter boosts: score multiplier per field name.
    public init(boosts: [String: Float] = [:]) {
        self.boosts = boosts
    }

    /// The largest boost accepted; scores stay far from `Float` overflow.
    public static let maxBoost: Float = 1000

    /// Why these settings cannot be used, or nil: every boost names a valid field
    /// (`[a-z][a-z0-9_]*`) and lies in `0...maxBoost`.
    public var violation: String? {
        for (field, boost) in boosts.sorted(by: { $0.key < $1.key }) {
            if !DocumentRules.isValidFieldName(field) {
                return "boost for '\(field)': field names match [a-z][a-z0-9_]* (at most 64 bytes)"
            }
            if !(0...Self.maxBoost).contains(boost) {
                return "boost for '\(field)' is \(boost); boosts lie between 0 and \(Self.maxBoost)"
            }
        }
        return nil
    }

    /// Layout: `count: varint { field: string  boost: f32 }*`, fields in ascending byte order.
    func encode(into writer: inout ByteWriter) {
        let fields = boosts.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        writer.writeVarint(fields.count)
        for field in fields {
            writer.writeString(field)
            writer.write(boosts[field] ?? 1)
        }
    }

    static func decode(from reader: inout ByteReader) throws -> IndexSettings {
        let count = try reader.readVarintInt(limit: reader.remaining)
        var boosts: [String: Float] = [:]
        for _ in 0..<count {
            let field = try reader.readString()
            let boost = try reader.readFloat()
            guard (0...maxBoost).contains(boost) else {
                throw FormatError.corrupt(file: reader.file, reason: "boost of \(field) is \(boost)")
            }
            boosts[field] = boost
        }
        return IndexSettings(boosts: boosts)
    }
}
