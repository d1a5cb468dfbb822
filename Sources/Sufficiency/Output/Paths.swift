/// Path arithmetic on plain strings (Foundation's NSString path methods trap on some inputs on Linux).
enum Paths {
    /// The folder part of `path`: "." for a bare name, "/" for a name at the root.
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// `folder/name`.
    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
