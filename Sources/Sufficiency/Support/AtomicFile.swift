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

    public static func write(_ text: String, to path: String) throws {
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
