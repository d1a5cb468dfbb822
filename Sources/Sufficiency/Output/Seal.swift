import Crypto
import Foundation

/// A file's own SHA-256, written into it, so a command can tell the file it wrote from one that
/// has been edited since (or was never its own): the file carries `sha256:HEX`, where HEX is the
/// hash of the file with HEX replaced by 64 zeros. Any change elsewhere in the file breaks it.
public enum Seal {
    public static let prefix = "sha256:"
    /// What a writer puts where the seal goes; ``seal(_:)`` replaces it.
    public static let placeholder = prefix + String(repeating: "0", count: 64)

    static func hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// `text` (holding ``placeholder`` once) with the placeholder replaced by its seal.
    public static func seal(_ text: String) -> String {
        guard let range = text.range(of: placeholder) else { return text }
        return text.replacingCharacters(in: range, with: prefix + hex(Data(text.utf8)))
    }

    /// Whether `content` carries a seal that matches it.
    public static func isSealed(_ content: Data) -> Bool {
        guard let text = String(data: content, encoding: .utf8) else { return false }
        var search = text.startIndex..<text.endIndex
        while let found = text.range(of: prefix, range: search) {
            let start = found.upperBound
            guard let end = text.index(start, offsetBy: 64, limitedBy: text.endIndex) else { return false }
            let digits = String(text[start..<end])
            if digits.count == 64, digits.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
                let blank = text.replacingCharacters(in: start..<end, with: String(repeating: "0", count: 64))
                if hex(Data(blank.utf8)) == digits { return true }
            }
            search = found.upperBound..<text.endIndex
        }
        return false
    }
}
