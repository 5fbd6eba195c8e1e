import TOMLKit

/// One setting of `soud`, described once: its TOML key, flag, type, default, allowed range and
/// help text, and the `Configuration` property it sets.
///
/// `Configuration.settings` lists them all. The property defaults, `validate()`, the TOML
/// reader, the `soud` flags and `soud --help` all come from that list, and a test checks
/// that docs/CONFIGURATION.md and config/soud.toml show the same keys and defaults.
public struct Setting<Value: Sendable & Equatable>: Sendable {
    /// The key in a TOML file, e.g. `max_line_bytes`.
    public let key: String
    /// The command-line flag without its dashes, e.g. `max-line-bytes`.
    public let flag: String
    /// How values of this setting are read and written.
    public let type: SettingType<Value>
    /// The value when neither the file nor a flag sets it.
    public var defaultValue: Value { makeDefault() }
    /// What the default means where the value alone does not say (`0`: one per CPU core).
    public let defaultNote: String?
    /// The default in words where it depends on the machine (the socket path), else nil.
    public let machineDefault: String?
    /// The values allowed, as the error for any other value says it (`must be at least 1`).
    public let range: SettingRange<Value>?
    /// What the setting does, one line for `soud --help`.
    public let help: String
    let keyPath: WritableKeyPath<Configuration, Value> & Sendable
    private let makeDefault: @Sendable () -> Value

    init(
        _ key: String,
        flag: String? = nil,
        _ keyPath: WritableKeyPath<Configuration, Value> & Sendable,
        type: SettingType<Value>,
        default makeDefault: @autoclosure @escaping @Sendable () -> Value,
        note: String? = nil,
        machineDefault: String? = nil,
        range: SettingRange<Value>? = nil,
        help: String
    ) {
        self.key = key
        self.flag = flag ?? String(key.map { $0 == "_" ? "-" : $0 })
        self.keyPath = keyPath
        self.type = type
        self.makeDefault = makeDefault
        self.defaultNote = note
        self.machineDefault = machineDefault
        self.range = range
        self.help = help
    }

    /// The default as a TOML value (`2097152`, `"always"`, `[]`).
    public var defaultLiteral: String { type.literal(defaultValue) }
}

/// A setting's value type: its name, how TOML and flags spell it, and the message for a value
/// of the wrong type.
public struct SettingType<Value: Sendable & Equatable>: Sendable {
    /// `string`, `integer`, `number`, `octal string` or `array of uids`.
    public let name: String
    /// The message for a TOML value of the wrong type (`expected an integer`).
    let mismatch: String
    let fromTOML: @Sendable (any TOMLValueConvertible) -> Value?
    /// One occurrence of the flag; nil for text that is not a value of this type.
    let fromFlag: @Sendable (String) -> Value?
    /// How a later occurrence of the flag combines with the earlier ones (the last wins, or
    /// they add up for a repeatable flag).
    let combine: @Sendable (Value, Value) -> Value
    let literal: @Sendable (Value) -> String
    /// Whether the flag may be given several times, its values adding up.
    public let isRepeatable: Bool
    /// The end of the message for a flag value of the wrong type (`must be an octal mode like
    /// 0600`), reported once the file has been read; nil: ArgumentParser's wording, reported
    /// before (as when ArgumentParser parsed the flag's integer or number itself).
    let flagMismatch: String?

    init(
        name: String,
        mismatch: String,
        fromTOML: @escaping @Sendable (any TOMLValueConvertible) -> Value?,
        fromFlag: @escaping @Sendable (String) -> Value?,
        combine: @escaping @Sendable (Value, Value) -> Value = { $1 },
        literal: @escaping @Sendable (Value) -> String,
        isRepeatable: Bool = false,
        flagMismatch: String? = nil
    ) {
        self.name = name
        self.mismatch = mismatch
        self.fromTOML = fromTOML
        self.fromFlag = fromFlag
        self.combine = combine
        self.literal = literal
        self.isRepeatable = isRepeatable
        self.flagMismatch = flagMismatch
    }
}

/// The values a setting allows and the message for any other.
public struct SettingRange<Value: Sendable & Equatable>: Sendable {
    /// e.g. `must be at least 64`.
    public let message: String
    let contains: @Sendable (Value) -> Bool

    init(_ message: String, _ contains: @escaping @Sendable (Value) -> Bool) {
        self.message = message
        self.contains = contains
    }
}

extension SettingRange where Value == Int {
    static func atLeast(_ minimum: Int) -> SettingRange {
        SettingRange("must be at least \(minimum)") { $0 >= minimum }
    }
}

extension SettingType where Value == String {
    static let string = SettingType(
        name: "string",
        mismatch: "expected a string",
        fromTOML: { $0.string },
        fromFlag: { $0 },
        literal: { "\"\($0)\"" }
    )
}

extension SettingType where Value == Int {
    static let integer = SettingType(
        name: "integer",
        mismatch: "expected an integer",
        fromTOML: { $0.int },
        fromFlag: { Int($0) },
        literal: { String($0) }
    )
}

extension SettingType where Value == Double {
    static let number = SettingType(
        name: "number",
        mismatch: "expected a number",
        fromTOML: { $0.double ?? $0.int.map(Double.init) },
        fromFlag: { Double($0) },
        literal: { String($0) }
    )
}

extension SettingType where Value == UInt32 {
    /// Permission bits, written as an octal string (`"0600"`; a bare TOML integer is read as octal digits).
    static let octalMode = SettingType(
        name: "octal string",
        mismatch: "expected an octal mode string like \"0600\"",
        fromTOML: { value in Configuration.parseMode(value.string ?? value.int.map { String($0) } ?? "") },
        fromFlag: { Configuration.parseMode($0) },
        literal: { mode in
            let digits = String(mode, radix: 8)
            return "\"" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "\""
        },
        flagMismatch: "must be an octal mode like 0600"
    )
}

extension SettingType where Value == [UInt32] {
    /// A TOML array of uids; the flag takes one uid and may be repeated.
    static let uids = SettingType(
        name: "array of uids",
        mismatch: "expected an array of uids",
        fromTOML: { value in
            guard let array = value.array else { return nil }
            var uids: [UInt32] = []
            for element in array {
                guard let uid = element.int, let value = UInt32(exactly: uid) else { return nil }
                uids.append(value)
            }
            return uids
        },
        fromFlag: { UInt32($0).map { [$0] } },
        combine: { $0 + $1 },
        literal: { "[" + $0.map(String.init).joined(separator: ", ") + "]" },
        isRepeatable: true
    )
}
