import Foundation
import Hummingbird
import NIOCore
import Sufficiency

/// A JSON request body, read with the scenario parser (limits on size and depth, places of errors).
struct RequestBody {
    let root: SourceNode

    init(_ request: Request, limit: Int) async throws {
        if let type = request.headers[.contentType],
           type.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) != "application/json" {
            throw APIError(status: .unsupportedMediaType, message: "send the body as application/json")
        }
        if request.headers[.contentType] == nil { throw APIError(status: .unsupportedMediaType, message: "send the body as application/json (Content-Type)") }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) }
        catch { throw APIError(status: .contentTooLarge, message: "the request body is over \(limit) bytes (the scenario size limit)") }
        let bytes = Array(buffer.readableBytesView)
        let parsed: (root: SourceNode, issues: [ScenarioIssue])
        do { parsed = try JSONSourceParser.parse(bytes) }
        catch { throw APIError(status: .badRequest, message: "the body is not JSON: \(error.issues.first?.description ?? "")") }
        if let issue = parsed.issues.first { throw APIError(status: .badRequest, message: "the body is not JSON: \(issue)") }
        guard case .object = parsed.root.value else { throw APIError(status: .badRequest, message: "the body must be a JSON object") }
        root = parsed.root
    }

    init(root: SourceNode) { self.root = root }

    func string(_ key: String) throws -> String {
        guard let value = optionalString(key), !value.isEmpty else { throw APIError(status: .badRequest, message: "\"\(key)\" is required (text)") }
        return value
    }

    func optionalString(_ key: String) -> String? {
        if case .string(let text)? = root[key]?.value { return text }
        return nil
    }

    func flag(_ key: String) -> Bool {
        if case .bool(let value)? = root[key]?.value { return value }
        return false
    }

    /// `edits`: a list of `"PATH=VALUE"` (as `compare --set`) or `{"path": …, "value": …}`.
    func edits(_ node: SourceNode? = nil, at where: String = "edits") throws -> [ScenarioEdit] {
        guard let node = node ?? root["edits"] else { return [] }
        guard case .array(let elements) = node.value else { throw APIError(status: .badRequest, message: "\"\(`where`)\" must be a list") }
        guard elements.count <= 10_000 else { throw APIError(status: .badRequest, message: "at most 10,000 edits") }
        var edits: [ScenarioEdit] = []
        for (k, element) in elements.enumerated() {
            do {
                switch element.value {
                case .string(let assignment): edits.append(try ScenarioEdit(assignment: assignment))
                case .object:
                    guard case .string(let path)? = element["path"]?.value, let value = element["value"] else {
                        throw ScenarioEdit.EditError(message: "give {\"path\": \"…\", \"value\": …}")
                    }
                    edits.append(try ScenarioEdit(path: path, value: value.value))
                default: throw ScenarioEdit.EditError(message: "an edit is \"PATH=VALUE\" or {\"path\": …, \"value\": …}")
                }
            } catch let edit as ScenarioEdit.EditError {
                throw APIError(status: .badRequest, message: "\(`where`)[\(k)]: \(edit.message)")
            }
        }
        return edits
    }

    /// `variants`: a list of `{label?, path, edits?}`.
    func variants() throws -> [(label: String?, path: String, edits: [ScenarioEdit])] {
        guard case .array(let elements)? = root["variants"]?.value else { throw APIError(status: .badRequest, message: "\"variants\" is required: a list of {label, path, edits}") }
        return try elements.enumerated().map { k, element in
            let entry = RequestBody(root: element)
            guard case .object = element.value else { throw APIError(status: .badRequest, message: "variants[\(k)] must be an object") }
            return (entry.optionalString("label"), try entry.string("path"), try entry.edits(element["edits"], at: "variants[\(k)].edits"))
        }
    }
}
