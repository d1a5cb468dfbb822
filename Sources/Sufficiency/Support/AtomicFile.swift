import Foundation

/// Writes files so that the target name only ever holds a complete file: the bytes go to a
/// temporary file in the same folder, which is then renamed over the target.
public enum AtomicFile {
    public enum WriteError: Error, CustomStringConvertible {
        case cannotWrite(path: String, reason: String)
        public var description: String {
            switch self { case let .cannotWrite(path, reason): return "cannot write \(path): \(reason)" }
        }
    }

    /// The temporary path used for `path` by this process.
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
    }

    /// Whether `path` names something other than a regular file (a device such as /dev/null or
    /// /dev/stdout, or a pipe): such a target is written in place, never replaced.
    static func isSpecial(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) != S_IFREG && (info.st_mode & S_IFMT) != S_IFLNK
    }

    public static func write(_ text: String, to path: String) throws {
        if isSpecial(path) {
            guard let handle = FileHandle(forWritingAtPath: path) else { throw WriteError.cannotWrite(path: path, reason: "cannot open it") }
            handle.write(Data(text.utf8))
            try? handle.close()
            return
        }
        let temporary = temporaryPath(for: path)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw WriteError.cannotWrite(path: path, reason: (error as NSError).localizedDescription)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw WriteError.cannotWrite(path: path, reason: reason)
        }
    }

    /// Runs `produce` with a temporary path, then renames the result to `path`.
    public static func produce(at path: String, _ produce: (String) throws -> Void) throws {
        if isSpecial(path) { try produce(path); return }
        let temporary = temporaryPath(for: path)
        do { try produce(temporary) } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw WriteError.cannotWrite(path: path, reason: reason)
        }
    }
}
