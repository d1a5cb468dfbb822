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

    /// The temporary file being written, kept where a signal handler can reach it (see ``Interrupt``).
    nonisolated(unsafe) static var pendingTemporary: UnsafeMutablePointer<CChar>?

    static func track(_ temporary: String?) {
        let old = pendingTemporary
        pendingTemporary = temporary.map { strdup($0) }
        free(old)
    }

    public static func write(_ text: String, to path: String) throws {
        try produce(at: path) { target in
            if isSpecial(target) {
                guard let handle = FileHandle(forWritingAtPath: target) else { throw WriteError.cannotWrite(path: path, reason: "cannot open it") }
                defer { try? handle.close() }
                handle.write(Data(text.utf8))
                return
            }
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: target)) } catch {
                throw WriteError.cannotWrite(path: path, reason: (error as NSError).localizedDescription)
            }
        }
    }

    /// Runs `produce` with a temporary path, then renames the result to `path`.
    public static func produce(at path: String, _ produce: (String) throws -> Void) throws {
        if isSpecial(path) { try produce(path); return }
        let temporary = temporaryPath(for: path)
        track(temporary)
        defer { track(nil) }
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
