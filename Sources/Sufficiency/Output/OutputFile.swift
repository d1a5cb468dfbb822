import Foundation

/// Why output was not written. Either way nothing under the user's name was changed.
public enum OutputError: Error, CustomStringConvertible, Equatable {
    /// The target may not receive this output (a folder, an input, someone else's file): exit 1.
    case refused(path: String, reason: String)
    /// Writing failed (a full disk, a closed pipe): exit 74.
    case failed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .refused(path, reason): return "will not write \(path): \(reason); nothing written"
        case let .failed(path, reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Safe writing of every file the tool produces (SPEC §5): a regular file is written to a
/// temporary file beside it and renamed into place, so its name only ever holds a complete file;
/// an existing file is replaced only when it is of the same kind and not an input; a device, a
/// pipe or a standard stream (`/dev/stdout`) is written through, never renamed over; every write
/// error is reported.
public enum OutputFile {
    /// Where bytes for a path go.
    enum Target {
        /// An open descriptor: `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`.
        case descriptor(Int32)
        /// A device, FIFO or socket, opened and written in place.
        case device(String)
        /// A regular file (or a new name) at its real path, with what is there now.
        case file(String, existing: stat?)
    }

    /// Writes `data` to `path` as a file of `kind`.
    public static func write(_ data: Data, to path: String, kind: OutputKind) throws(OutputError) {
        try writeTogether([(data, path, kind)])
    }

    /// Writes `data` as a new file at `path`, which must not exist in any form (not a file, an
    /// empty one included, a link, a pipe or a folder): the name is taken with link(), which
    /// refuses a name that appeared meanwhile, so nothing is ever written over or through.
    public static func create(_ data: Data, at path: String) throws(OutputError) {
        var info = stat()
        guard lstat(path, &info) != 0 && errno == ENOENT else { throw .refused(path: path, reason: "a file of that name exists") }
        let temporary = try stage(data, beside: path, mode: nil, path: path)
        Cleanup.pauseBeforeCommit()
        defer { unlink(temporary.path); Cleanup.release(temporary.slot) }
        guard link(temporary.path, path) == 0 else {
            if errno == EEXIST { throw .refused(path: path, reason: "a file of that name appeared while it was being written") }
            throw .failed(path: path, reason: errorText())
        }
        syncFolder(of: path)
    }

    /// Writes `text` to `path` as a file of `kind`.
    public static func write(_ text: String, to path: String, kind: OutputKind) throws(OutputError) {
        try write(Data(text.utf8), to: path, kind: kind)
    }

    /// Checks that `path` may receive a file of `kind`, without writing: commands call it before
    /// a long solve so a bad target is reported at once.
    public static func check(_ path: String, kind: OutputKind) throws(OutputError) {
        _ = try target(for: path, kind: kind)
    }

    /// Writes several files that belong together (a scenario and its travel table): every target
    /// is checked and every temporary file written before any is renamed into place.
    public static func writeTogether(_ files: [(data: Data, path: String, kind: OutputKind)]) throws(OutputError) {
        let targets = try files.map { (file) throws(OutputError) in try target(for: file.path, kind: file.kind) }
        // Two names for one file (a.lp and ./a.lp, or a link) would keep only the last.
        var seen: [String: String] = [:]
        for (file, target) in zip(files, targets) {
            let identity: String
            switch target {
            case let .descriptor(descriptor): identity = "fd \(descriptor)"
            case let .device(device): identity = device
            case let .file(final, _): identity = canonical(final)
            }
            if let other = seen[identity] { throw .refused(path: file.path, reason: "it is the same file as \(other)") }
            seen[identity] = file.path
        }
        var staged: [(temporary: String, final: String, path: String, slot: Int?, existed: Bool)] = []
        func discard() {
            for stage in staged { unlink(stage.temporary); Cleanup.release(stage.slot) }
        }
        for (file, target) in zip(files, targets) {
            switch target {
            case let .descriptor(descriptor):
                try writeAll(file.data, to: descriptor, path: file.path)
            case let .device(device):
                guard let descriptor = openDevice(device) else {
                    let reason = errno == ENXIO ? "it is a pipe that no program is reading" : errorText()
                    discard()
                    if errno == ENXIO { throw .refused(path: file.path, reason: reason) }
                    throw .failed(path: file.path, reason: reason)
                }
                do { try writeAll(file.data, to: descriptor, path: file.path) } catch { close(descriptor); discard(); throw error }
                guard close(descriptor) == 0 else { discard(); throw .failed(path: file.path, reason: errorText()) }
            case let .file(final, existing):
                do {
                    let temporary = try stage(file.data, beside: final, mode: existing.map { $0.st_mode & 0o7777 }, path: file.path)
                    staged.append((temporary.path, final, file.path, temporary.slot, existing != nil))
                } catch { discard(); throw error }
            }
        }
        if !staged.isEmpty { Cleanup.pauseBeforeCommit() }
        // Files that belong together: keep the old ones (hard links) until every rename has worked.
        var backups: [String?] = []
        if staged.count > 1 {
            for stage in staged {
                guard stage.existed else { backups.append(nil); continue }
                let backup = temporaryName(in: Paths.folder(of: stage.final))
                backups.append(link(stage.final, backup) == 0 ? backup : nil)
            }
        }
        defer { for case let backup? in backups { unlink(backup) } }
        for (index, stage) in staged.enumerated() {
            // A name that was free when checked is taken with link(), which refuses to replace a
            // file that appeared meanwhile; an existing one of ours is replaced by rename().
            let committed: Bool
            if stage.existed {
                committed = rename(stage.temporary, stage.final) == 0
            } else {
                committed = link(stage.temporary, stage.final) == 0
                if committed { unlink(stage.temporary) }
            }
            guard committed else {
                let reason = errno == EEXIST ? "a file of that name appeared while it was being written" : errorText()
                for later in staged[index...] { unlink(later.temporary); Cleanup.release(later.slot) }
                // Put back what was already replaced, so the set stays whole.
                for earlier in staged[..<index].indices {
                    if let backup = backups.indices.contains(earlier) ? backups[earlier] : nil { rename(backup, staged[earlier].final) }
                    else if !staged[earlier].existed && staged.count > 1 { unlink(staged[earlier].final) }
                }
                let written = staged.count > 1 && index > 0 && backups.isEmpty ? " (\(staged[..<index].map(\.path).joined(separator: ", ")) written)" : ""
                throw .failed(path: stage.path, reason: reason + written)
            }
            Cleanup.release(stage.slot)
            syncFolder(of: stage.final)
        }
    }

    /// A file's path with its folder resolved, to tell two spellings of one name apart.
    static func canonical(_ path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let resolved = realpath(Paths.folder(of: path), nil) else { return path }
        defer { free(resolved) }
        return Paths.join(String(cString: resolved), name)
    }

    // MARK: Resolving a target

    /// The descriptor a path names directly, if it is one of the standard stream aliases.
    /// Opens a device or pipe for writing. A pipe nobody reads would block the write for ever, so
    /// it is opened without blocking (which fails with ENXIO when there is no reader), waiting up
    /// to two seconds for a reader started beside us, then written in blocking mode.
    static func openDevice(_ path: String) -> Int32? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFIFO else {
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            return descriptor >= 0 ? descriptor : nil
        }
        var descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        for _ in 0..<40 where descriptor < 0 && errno == ENXIO {
            usleep(50_000)
            descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        }
        guard descriptor >= 0 else { return nil }
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK)
        return descriptor
    }

    static func descriptorAlias(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout", "-": return 1
        case "/dev/stderr": return 2
        default: break
        }
        for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
            if let number = Int32(path.dropFirst(prefix.count)), number >= 0 { return number }
        }
        return nil
    }

    static func target(for path: String, kind: OutputKind) throws(OutputError) -> Target {
        if let descriptor = descriptorAlias(path) { return .descriptor(descriptor) }
        guard !path.hasSuffix("/") else { throw .refused(path: path, reason: "it names a folder, not a file") }
        guard case let .present(link, info) = try inspect(path) else { return .file(path, existing: nil) }
        // Any spelling of standard output or error (/dev//stdout, /proc/thread-self/fd/1):
        // write to the descriptor itself, keeping the shell's redirection (and its append mode).
        for descriptor in Int32(1)...2 where !StandardStreams.wasClosed(descriptor) {
            var stream = stat()
            if fstat(descriptor, &stream) == 0, stream.st_dev == info.st_dev, stream.st_ino == info.st_ino { return .descriptor(descriptor) }
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            throw .refused(path: path, reason: "it is a folder")
        case S_IFREG:
            if InputFiles.contains(info) { throw .refused(path: path, reason: "it is an input of this run") }
            // Through a link, replace the file it points to and keep the link.
            var real = path
            if (link.st_mode & S_IFMT) == S_IFLNK {
                guard let resolved = realpath(path, nil) else { throw .refused(path: path, reason: errorText()) }
                real = String(cString: resolved)
                free(resolved)
            }
            if info.st_size > 0 {
                guard let head = readExisting(real, size: Int(info.st_size)), kind.recognises(head) else {
                    throw .refused(path: path, reason: "it exists and is not \(kind.description) written by sufficiency-solve (remove it or choose another name)")
                }
            }
            return .file(real, existing: info)
        default:
            return .device(path)
        }
    }

    /// What a path names now: nothing yet (a free name in an existing folder), or something,
    /// with `lstat` and `stat` of it. Refuses an empty or over-long name, a missing folder and a
    /// link to nothing: the checks every output shares.
    enum Existing {
        case none(parent: String)
        case present(link: stat, info: stat)
    }

    static func inspect(_ path: String) throws(OutputError) -> Existing {
        guard !path.isEmpty else { throw .refused(path: "''", reason: "the name is empty") }
        var link = stat()
        guard lstat(path, &link) == 0 else {
            if errno == ENAMETOOLONG { throw .refused(path: path, reason: "a file name is at most 255 bytes") }
            guard errno == ENOENT else { throw .refused(path: path, reason: errorText()) }
            let url = URL(fileURLWithPath: path)
            guard url.lastPathComponent.utf8.count <= 255 else { throw .refused(path: path, reason: "a file name is at most 255 bytes") }
            let parent = url.deletingLastPathComponent().path
            var folder = stat()
            guard stat(parent, &folder) == 0, (folder.st_mode & S_IFMT) == S_IFDIR else {
                throw .refused(path: path, reason: "the folder \(parent) does not exist")
            }
            return .none(parent: parent)
        }
        var info = stat()
        guard stat(path, &info) == 0 else { throw .refused(path: path, reason: "it is a link to nothing") }
        return .present(link: link, info: info)
    }

    /// The bytes of an existing file, or nil when it is too large to be one of ours.
    static func readExisting(_ path: String, size: Int) -> Data? {
        guard size <= 1 << 30, let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return try? handle.read(upToCount: size)
    }

    // MARK: Writing

    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    /// A short temporary name in `folder` (short, so a 255-byte target name still has one).
    static func temporaryName(in folder: String) -> String {
        counterLock.lock()
        counter += 1
        let number = counter
        counterLock.unlock()
        return Paths.join(folder, ".sufficiency-\(getpid())-\(number).tmp")
    }

    /// Writes `data` to a new temporary file beside `final` (registered for clean-up on a signal),
    /// synced to disk; returns its path.
    static func stage(_ data: Data, beside final: String, mode: mode_t?, path: String) throws(OutputError) -> (path: String, slot: Int?) {
        let temporary = temporaryName(in: Paths.folder(of: final))
        let slot = Cleanup.register(path: temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { Cleanup.release(slot); throw .failed(path: path, reason: errorText()) }
        func fail(_ reason: String) -> OutputError {
            close(descriptor)
            unlink(temporary)
            Cleanup.release(slot)
            return .failed(path: path, reason: reason)
        }
        if let mode, fchmod(descriptor, mode) != 0 { throw fail(errorText()) }
        do { try writeAll(data, to: descriptor, path: path) } catch {
            if case let .failed(_, reason) = error { throw fail(reason) }
            throw fail("\(error)")
        }
        guard fsync(descriptor) == 0 else { throw fail(errorText()) }
        guard close(descriptor) == 0 else {
            let reason = errorText()
            unlink(temporary)
            Cleanup.release(slot)
            throw .failed(path: path, reason: reason)
        }
        return (temporary, slot)
    }

    /// Every byte of `data` to `descriptor`, retrying short writes and interruptions.
    public static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws(OutputError) {
        if StandardStreams.wasClosed(descriptor) { throw .failed(path: path, reason: "it is closed") }
        let failure: String? = data.withUnsafeBytes { buffer -> String? in
            guard var pointer = buffer.baseAddress else { return nil }
            var remaining = buffer.count
            while remaining > 0 {
                let written = Foundation.write(descriptor, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno == EPIPE ? "the reader closed the pipe" : errorText()
                }
                remaining -= written
                pointer += written
            }
            return nil
        }
        if let failure { throw .failed(path: path, reason: failure) }
    }

    /// Makes a rename durable (best effort: some file systems refuse to sync a folder).
    static func syncFolder(of path: String) {
        let folder = Paths.folder(of: path)
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}

extension OutputFile {
    /// Atomically replaces `final` (a file we own, already checked) with `data`.
    static func replace(_ data: Data, at final: String, path: String) throws(OutputError) {
        let stage = try stage(data, beside: final, mode: nil, path: path)
        guard rename(stage.path, final) == 0 else {
            let reason = errorText()
            unlink(stage.path)
            Cleanup.release(stage.slot)
            throw .failed(path: path, reason: reason)
        }
        Cleanup.release(stage.slot)
    }
}
