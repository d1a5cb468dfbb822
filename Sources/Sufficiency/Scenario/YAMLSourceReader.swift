import Yams

/// Reads a YAML document (with the same structure as a JSON scenario) into a ``SourceNode`` tree.
enum YAMLSourceReader {
    static func parse(_ text: String, maxDepth: Int = JSONSourceParser.defaultMaxDepth) throws(ScenarioErrors) -> (root: SourceNode, issues: [ScenarioIssue]) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ScenarioErrors([ScenarioIssue(path: "", message: "not valid YAML: \(error)", kind: .syntax)])
        }
        guard let node else { throw ScenarioErrors([ScenarioIssue(path: "", message: "the file is empty", kind: .syntax)]) }
        var issues: [ScenarioIssue] = []
        let root = convert(node, depth: 1, path: "", maxDepth: maxDepth, issues: &issues)
        if let tooDeep = issues.first(where: { $0.message.hasPrefix("nested deeper") }) { throw ScenarioErrors([tooDeep]) }
        return (root, issues)
    }

    private static func location(_ node: Node) -> SourceLocation {
        SourceLocation(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    }

    private static func convert(_ node: Node, depth: Int, path: String, maxDepth: Int, issues: inout [ScenarioIssue]) -> SourceNode {
        let at = location(node)
        switch node {
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return SourceNode(.null, at: at)
            case Tag.Name.bool.rawValue: return SourceNode(.bool(node.bool ?? false), at: at)
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue:
                return SourceNode(.number(node.float ?? Double(node.int ?? 0), text: scalar.string), at: at)
            default: return SourceNode(.string(scalar.string), at: at)
            }
        case .sequence(let sequence):
            guard depth <= maxDepth else {
                issues.append(ScenarioIssue(path: path, message: "nested deeper than \(maxDepth) levels", location: at))
                return SourceNode(.null, at: at)
            }
            return SourceNode(.array(sequence.enumerated().map {
                convert($0.element, depth: depth + 1, path: "\(path)[\($0.offset)]", maxDepth: maxDepth, issues: &issues)
            }), at: at)
        case .mapping(let mapping):
            guard depth <= maxDepth else {
                issues.append(ScenarioIssue(path: path, message: "nested deeper than \(maxDepth) levels", location: at))
                return SourceNode(.null, at: at)
            }
            var members: [SourceMember] = []
            var seen: [String: SourceLocation] = [:]
            for (keyNode, valueNode) in mapping {
                let key = keyNode.scalar?.string ?? ""
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if keyNode.scalar == nil {
                    issues.append(ScenarioIssue(path: path, message: "a key must be plain text", location: location(keyNode)))
                    continue
                }
                if let first = seen[key] {
                    issues.append(ScenarioIssue(path: childPath, message: "key \"\(key)\" appears twice in one object (first at \(first))", location: location(keyNode), kind: .duplicate))
                    members.removeAll { $0.key == key }
                }
                seen[key] = location(keyNode)
                members.append(SourceMember(key: key, keyLocation: location(keyNode),
                                            value: convert(valueNode, depth: depth + 1, path: childPath, maxDepth: maxDepth, issues: &issues)))
            }
            return SourceNode(.object(members), at: at)
        case .alias:
            issues.append(ScenarioIssue(path: path, message: "YAML aliases are not supported; write the value out", location: at))
            return SourceNode(.null, at: at)
        }
    }
}
