import Foundation

extension SourceNode {
    /// The document as JSON text, two spaces an indent, members in their order. A number keeps
    /// the text it was written with when that is JSON (YAML's `1_000` or `.5` is written anew with
    /// every digit a Double has), so a scenario saved again reads back to the same values.
    public func jsonText() -> String {
        var out = ""
        write(into: &out, indent: 0)
        out += "\n"
        return out
    }

    private func write(into out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1), close = String(repeating: "  ", count: indent)
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number, let text): out += Self.isJSONNumber(text) ? text : Self.numberText(number)
        case .string(let text): out += Self.quoted(text)
        case .array(let elements):
            // A list of plain values on one line (years, needs, serves); of objects, one a line.
            if elements.allSatisfy({ if case .array = $0.value { return false }; if case .object = $0.value { return false }; return true }) {
                out += "["
                for (k, element) in elements.enumerated() {
                    if k > 0 { out += ", " }
                    element.write(into: &out, indent: indent + 1)
                }
                out += "]"
            } else {
                out += "[\n"
                for (k, element) in elements.enumerated() {
                    out += pad
                    element.write(into: &out, indent: indent + 1)
                    out += k + 1 < elements.count ? ",\n" : "\n"
                }
                out += close + "]"
            }
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            for (k, member) in members.enumerated() {
                out += pad + Self.quoted(member.key) + ": "
                member.value.write(into: &out, indent: indent + 1)
                out += k + 1 < members.count ? ",\n" : "\n"
            }
            out += close + "}"
        }
    }

    static func numberText(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(format: "%.17g", number)
    }

    /// RFC 8259's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int { var n = 0; while let b = bytes.first, b >= 48 && b <= 57 { bytes.removeFirst(); n += 1 }; return n }
        if bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
        if bytes.first == UInt8(ascii: "0") { bytes.removeFirst() } else if digits() == 0 { return false }
        if bytes.first == UInt8(ascii: ".") { bytes.removeFirst(); if digits() == 0 { return false } }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes.removeFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes.removeFirst() }
            if digits() == 0 { return false }
        }
        return bytes.isEmpty
    }

    /// A JSON string: quotes, backslashes and control characters escaped.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
