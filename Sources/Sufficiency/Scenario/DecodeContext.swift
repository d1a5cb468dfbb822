/// Collects problems while a scenario is decoded, and reads typed values out of a
/// ``SourceNode`` tree, each reading reporting its own problem with path and place.
final class DecodeContext {
    private(set) var issues: [ScenarioIssue] = []

    init(issues: [ScenarioIssue] = []) { self.issues = issues }

    func fail(_ path: String, _ message: String, at node: SourceNode?, kind: ScenarioIssue.Kind = .rule) {
        issues.append(ScenarioIssue(path: path, message: message, location: node?.location, kind: kind))
    }

    func fail(_ path: String, _ message: String, at location: SourceLocation?, kind: ScenarioIssue.Kind = .rule) {
        issues.append(ScenarioIssue(path: path, message: message, location: location, kind: kind))
    }

    func appendIssue(_ issue: ScenarioIssue) { issues.append(issue) }

    // MARK: Objects

    /// The members of an object, after checking its keys against `allowed` (unknown keys are an
    /// error with a "did you mean") and `required`.
    func object(_ node: SourceNode, _ path: String, allowed: [String], required: [String] = []) -> [String: SourceNode]? {
        guard case .object(let members) = node.value else {
            fail(path, "must be an object, got \(node.value.kindName)", at: node, kind: .wrongType)
            return nil
        }
        var result: [String: SourceNode] = [:]
        for member in members {
            if allowed.contains(member.key) {
                result[member.key] = member.value
            } else {
                let memberPath = join(path, member.key)
                var message = "unknown key \"\(member.key)\""
                if let suggestion = Self.closest(to: member.key, in: allowed) { message += "; did you mean \"\(suggestion)\"?" }
                else { message += "; allowed here: \(allowed.joined(separator: ", "))" }
                fail(memberPath, message, at: member.keyLocation, kind: .unknownKey)
            }
        }
        for key in required where result[key] == nil {
            fail(join(path, key), "is required", at: node, kind: .missingKey)
        }
        return result
    }

    /// The members of an object whose keys are data (years, needs, zones), in file order.
    func map(_ node: SourceNode, _ path: String) -> [SourceMember]? {
        guard case .object(let members) = node.value else {
            fail(path, "must be an object, got \(node.value.kindName)", at: node, kind: .wrongType)
            return nil
        }
        return members
    }

    func array(_ node: SourceNode, _ path: String) -> [SourceNode]? {
        guard case .array(let elements) = node.value else {
            fail(path, "must be a list, got \(node.value.kindName)", at: node, kind: .wrongType)
            return nil
        }
        return elements
    }

    // MARK: Scalars

    func string(_ node: SourceNode, _ path: String, nonEmpty: Bool = true) -> String? {
        guard case .string(let text) = node.value else {
            fail(path, "must be text, got \(node.value.kindName)", at: node, kind: .wrongType)
            return nil
        }
        if nonEmpty && text.trimmingCharacters(in: .whitespaces).isEmpty {
            fail(path, "must not be empty", at: node)
            return nil
        }
        // Names and ids are one line of plain text: no control characters (a tab or a line break
        // breaks every table), no bidirectional overrides (they reorder what a reader sees). Free
        // text (a description) may have line breaks and tabs.
        let freeText = path == "description" || path.hasSuffix(".description")
        if text.unicodeScalars.contains(where: { ($0.value < 0x20 && !(freeText && ($0 == "\n" || $0 == "\t"))) || $0.value == 0x7F
                                                 || (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }) {
            fail(path, "must not contain control characters (tabs, line breaks) or direction overrides", at: node)
            return nil
        }
        return text
    }

    func bool(_ node: SourceNode, _ path: String) -> Bool? {
        guard case .bool(let flag) = node.value else {
            fail(path, "must be true or false, got \(node.value.kindName)", at: node, kind: .wrongType)
            return nil
        }
        return flag
    }

    /// A finite number within the given range; the bounds are inclusive unless stated.
    func number(_ node: SourceNode, _ path: String, min: Double? = nil, above: Double? = nil,
                max: Double? = nil, what: String? = nil) -> Double? {
        guard case .number(let value, let text) = node.value else {
            fail(path, "must be a number, got \(node.value.kindName)", at: node, kind: .wrongType)
            return nil
        }
        guard value.isFinite else {
            fail(path, "must be a finite number, got \(text)", at: node, kind: .outOfRange)
            return nil
        }
        if NumberSyntax.isTooSmall(value, text: text[...]) {
            fail(path, "\(NumberSyntax.tooSmall), got \(text)", at: node, kind: .outOfRange)
            return nil
        }
        if let min, value < min {
            fail(path, "must be ≥ \(Self.show(min)), got \(text)", at: node, kind: .outOfRange)
            return nil
        }
        if let above, value <= above {
            fail(path, "must be > \(Self.show(above)), got \(text)", at: node, kind: .outOfRange)
            return nil
        }
        if let max, value > max {
            fail(path, "must be at most \(Self.show(max))\(what.map { " (\($0))" } ?? ""), got \(text)", at: node, kind: .limit)
            return nil
        }
        return value
    }

    func integer(_ node: SourceNode, _ path: String, min: Int, max: Int) -> Int? {
        guard let value = number(node, path, min: Double(min), max: Double(max)) else { return nil }
        guard value == value.rounded() else {
            fail(path, "must be a whole number, got \(Self.show(value))", at: node, kind: .outOfRange)
            return nil
        }
        return Int(value)
    }

    /// A reference to a declared name, resolved to its index.
    func reference(_ node: SourceNode, _ path: String, in names: [String: Int], kind: String) -> Int? {
        guard let name = string(node, path) else { return nil }
        return resolve(name, path, in: names, kind: kind, at: node.location)
    }

    func resolve(_ name: String, _ path: String, in names: [String: Int], kind: String, at location: SourceLocation?) -> Int? {
        if let index = names[name] { return index }
        var message = "\(kind) \"\(name)\" is not declared"
        if let suggestion = Self.closest(to: name, in: Array(names.keys).sorted()) { message += "; did you mean \"\(suggestion)\"?" }
        fail(path, message, at: location, kind: .unknownReference)
        return nil
    }

    // MARK: Helpers

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func show(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// The candidate closest to `word` when it is plausibly a typo of it.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let lower = word.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            let distance = candidate.lowercased() == lower ? 0 : editDistance(lower, candidate.lowercased())
            let allowed = candidate.count <= 3 ? 1 : candidate.count <= 8 ? 2 : 3
            if distance <= allowed, distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        guard abs(a.count - b.count) <= 3, a.count < 200, b.count < 200 else { return Int.max / 2 }
        var before = Array(0...b.count), previous = before, current = before
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { current[j] = Swift.min(current[j], before[j - 2] + 1) }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}

import Foundation
