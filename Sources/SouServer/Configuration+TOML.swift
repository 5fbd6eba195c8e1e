import Foundation
import TOMLKit

extension Configuration {
    /// Applies the settings in a TOML file on top of `self`.
    ///
    /// - Parameter path: the file; every key is optional (config/soud.toml lists them).
    /// - Throws: `ConfigurationError` for an unreadable file, bad TOML, an unknown key or a bad value.
    public mutating func apply(tomlFile path: String) throws(ConfigurationError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        try apply(toml: text, path: path)
    }

    /// Applies the settings in TOML text on top of `self`.
    ///
    /// - Parameters:
    ///   - text: the TOML document.
    ///   - path: the file name used in error messages.
    /// - Throws: `ConfigurationError`.
    public mutating func apply(toml text: String, path: String = "<config>") throws(ConfigurationError) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw .syntax(path: path, message: error.debugDescription)
        } catch {
            throw .syntax(path: path, message: String(describing: error))
        }
        for key in table.keys {
            guard let setting = Settings.setting(key: key) else { throw .unknownKey(key) }
            guard let value = table[key] else { continue }
            try setting.apply(toml: value, to: &self)
        }
    }
}
