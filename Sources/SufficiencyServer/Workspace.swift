import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Sufficiency

/// The folder `serve` works over. Every path a request names is relative to it and is checked to
/// stay inside: no absolute path, no `..`, no hidden part, no link that leads out, only regular
/// files. Variants are saved beside their scenario as new files, never over one.
public struct Workspace: Sendable {
    /// The folder's real path (links resolved).
    public let root: String

    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// The HTTP status that fits: 400 a bad name, 404 no such scenario, 409 a name taken.
        public var status: Int
        public var message: String
        public var description: String { message }
    }

    public init(folder: String) throws(Refusal) {
        guard let resolved = realpath(folder, nil) else { throw Refusal(status: 400, message: "\(folder): no such folder") }
        defer { free(resolved) }
        var info = stat()
        guard stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { throw Refusal(status: 400, message: "\(folder) is not a folder") }
        root = String(cString: resolved)
    }

    /// The real path of `relative`, a file inside the workspace, or why not.
    public func file(_ relative: String) throws(Refusal) -> String {
        let parts = try Self.components(relative)
        let joined = ([root] + parts).joined(separator: "/")
        guard let resolved = realpath(joined, nil) else { throw Refusal(status: 404, message: "\(relative): no such file in the workspace") }
        defer { free(resolved) }
        let real = String(cString: resolved)
        guard real.hasPrefix(root + "/") else { throw Refusal(status: 400, message: "\(relative): leads outside the workspace (a link)") }
        var info = stat()
        guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { throw Refusal(status: 400, message: "\(relative): not a regular file") }
        return real
    }

    /// The bytes of the file at `relative`, read at once through the checked path (a final link
    /// swapped in after the check is refused), so what is solved later is what was checked.
    public func read(_ relative: String, maxBytes: Int) throws(Refusal) -> (real: String, bytes: [UInt8]) {
        let real = try file(relative)
        let descriptor = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw Refusal(status: 400, message: "\(relative): cannot be read (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { throw Refusal(status: 400, message: "\(relative): not a regular file") }
        guard Int(info.st_size) <= maxBytes else { throw Refusal(status: 413, message: "\(relative) is larger than the limit of \(maxBytes) bytes") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + done, $0.count - done) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            done += count
        }
        return (real, Array(bytes.prefix(done)))
    }

    /// A relative path's parts, or why it cannot name a file of the workspace.
    static func components(_ relative: String) throws(Refusal) -> [String] {
        func refuse(_ why: String) -> Refusal { Refusal(status: 400, message: "\(relative.isEmpty ? "an empty path" : relative): \(why)") }
        guard !relative.isEmpty, relative.utf8.count <= 1024 else { throw refuse("a path of 1 to 1024 bytes, relative to the workspace, is needed") }
        guard !relative.hasPrefix("/") else { throw refuse("an absolute path; give one relative to the workspace") }
        guard !relative.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" || $0.value == 0x7f }) else { throw refuse("control characters and backslashes are not allowed") }
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for part in parts {
            if part.isEmpty { throw refuse("an empty part (//)") }
            if part == ".." || part == "." { throw refuse("'.' and '..' are not allowed") }
            if part.hasPrefix(".") { throw refuse("hidden files and folders are not served") }
        }
        return parts
    }

    /// The path relative to the workspace of a real path inside it.
    func relative(_ real: String) -> String { String(real.dropFirst(root.count + 1)) }

    /// One scenario file of the workspace.
    public struct Entry: Sendable, Codable, Equatable {
        public var path: String
        public var name: String
        /// The scenario this one is a saved variant of, when it says so.
        public var variantOf: String?
    }

    /// The scenario files (`.json`, `.yaml`, `.yml` whose text names the format
    /// `sufficiency/1`) up to three folders down, sorted by path; hidden folders and build folders
    /// are skipped, at most `limit`.
    public func scenarios(limit: Int = 1000) -> [Entry] {
        var found: [Entry] = []
        func visit(_ folder: String, depth: Int) {
            guard depth <= 3, let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
            for name in names.sorted() where !name.hasPrefix(".") && found.count < limit {
                let path = folder + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: visit(path, depth: depth + 1)
                case S_IFREG:
                    guard [".json", ".yaml", ".yml"].contains(where: name.hasSuffix), info.st_size <= ScenarioDecoder.Limits.defaultMaxInputBytes,
                          let handle = FileHandle(forReadingAtPath: path) else { continue }
                    let head = (try? handle.read(upToCount: 4096)) ?? Data()
                    try? handle.close()
                    guard let text = String(data: head, encoding: .utf8), text.contains("sufficiency/1") else { continue }
                    found.append(Entry(path: relative(path), name: Self.scenarioName(head) ?? name, variantOf: Self.variantOf(path)))
                default: continue
                }
            }
        }
        visit(root, depth: 0)
        return found.sorted { $0.path < $1.path }
    }

    /// The `"name"` of a scenario from its first bytes, when it is there.
    static func scenarioName(_ head: Data) -> String? {
        guard let text = String(data: head, encoding: .utf8), let range = text.range(of: #""name"\s*:\s*"((?:[^"\\]|\\.)*)""#, options: .regularExpression) else { return nil }
        let match = String(text[range])
        guard let open = match.range(of: ":")?.upperBound else { return nil }
        let quoted = match[open...].trimmingCharacters(in: .whitespaces)
        return (try? JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed)) as? String
    }

    /// `metadata.variant.name` of a saved variant (relative path), for labels.
    public func variantName(_ relative: String) -> String? {
        guard let real = try? file(relative), let data = FileManager.default.contents(atPath: real),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let variant = (object["metadata"] as? [String: Any])?["variant"] as? [String: Any] else { return nil }
        return variant["name"] as? String
    }

    /// `metadata.variant.of` of a saved variant.
    static func variantOf(_ path: String) -> String? {
        guard path.hasSuffix(".json"), path.contains("--"), let data = FileManager.default.contents(atPath: path),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let metadata = object["metadata"] as? [String: Any], let variant = metadata["variant"] as? [String: Any] else { return nil }
        return variant["of"] as? String
    }

    /// A variant's name as it goes into a file name: letters, digits and single hyphens, at most 60.
    public static func slug(_ name: String) throws(Refusal) -> String {
        var out = "", hyphen = false
        // "Frais augmentés été" → frais-augmentes-ete.
        for character in name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_GB")).lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) { out.append(character); hyphen = false }
            else if !out.isEmpty && !hyphen { out.append("-"); hyphen = true }
        }
        while out.hasSuffix("-") { out.removeLast() }
        guard !out.isEmpty else { throw Refusal(status: 400, message: "a variant's name goes into its file name: give one with at least one letter (a to z, accents allowed) or digit") }
        var cut = String(out.prefix(60))
        while cut.hasSuffix("-") { cut.removeLast() }
        return cut
    }

    /// Saves `edits` to the scenario at `relative` as the new file `NAME--VARIANT.json` beside it,
    /// the edits in its `metadata.variant`; refuses a name that is taken (the original and every
    /// other file stay as they are). Returns the new file's relative path.
    public func saveVariant(of relative: String, name: String, edits: [ScenarioEdit], maxInputBytes: Int) throws -> String {
        let (source, bytes) = try read(relative, maxBytes: maxInputBytes)
        let slug = try Self.slug(name)
        let stem = (relative as NSString).deletingPathExtension
        let target = "\(stem)--\(slug).json"
        var document = try ScenarioDecoder.editedDocument(bytes: bytes, path: source, edits: edits)
        // The variant must read as a scenario (every problem reported), before anything is written.
        let folder = (source as NSString).deletingLastPathComponent
        _ = try ScenarioDecoder.decode(root: document, issues: [], baseDirectory: folder, maxInputBytes: maxInputBytes, confinedTo: root)
        Self.record(variantOf: relative, name: name, edits: edits, in: &document)
        // Its own name, so lists and comparisons tell it from the original.
        if case .object(var members) = document.value, let k = members.lastIndex(where: { $0.key == "name" }), case .string(let original) = members[k].value.value {
            members[k].value.value = .string("\(original) — \(name)")
            document.value = .object(members)
        }
        let real = root + "/" + target
        do {
            // A new file or nothing: never over a file, an empty one, a link or a pipe.
            try OutputFile.create(Data(document.jsonText().utf8), at: real)
        } catch {
            if case .refused = error { throw Refusal(status: 409, message: "\(target) exists: a variant is never saved over a file; choose another name") }
            throw error
        }
        return target
    }

    /// `metadata.variant = {of, name, edits}`; a seal the original carried is dropped (the copy is
    /// not that command's output).
    static func record(variantOf relative: String, name: String, edits: [ScenarioEdit], in document: inout SourceNode) {
        guard case .object(var members) = document.value else { return }
        let at = document.location
        func node(_ value: SourceValue) -> SourceNode { SourceNode(value, at: at) }
        var metadata: [SourceMember] = []
        if let index = members.lastIndex(where: { $0.key == "metadata" }), case .object(let existing) = members[index].value.value {
            metadata = existing.filter { $0.key != "seal" && $0.key != "variant" }
            members.remove(at: index)
        }
        let variant: [SourceMember] = [
            SourceMember(key: "of", keyLocation: at, value: node(.string(relative))),
            SourceMember(key: "name", keyLocation: at, value: node(.string(name))),
            SourceMember(key: "edits", keyLocation: at, value: node(.array(edits.map { node(.string($0.description)) }))),
        ]
        metadata.append(SourceMember(key: "variant", keyLocation: at, value: node(.object(variant))))
        members.append(SourceMember(key: "metadata", keyLocation: at, value: node(.object(metadata))))
        document.value = .object(members)
    }
}
