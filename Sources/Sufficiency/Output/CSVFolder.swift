import Foundation

/// Writes a CSV report: one file per table into a folder (SPEC §5). Only a new folder, an empty
/// one, or one holding a previous CSV report of ours (its marker file lists the files we wrote)
/// is written; then only our files are replaced, each atomically, and files of others are never
/// touched. A new folder is built under a temporary name and renamed into place whole.
public enum CSVFolder {
    /// The marker file naming the files of our report.
    public static let markerName = ".sufficiency-csv-report"
    static let markerHeader = "# sufficiency-solve CSV report. The files listed below were written by it; its next report into this folder replaces them.\n"

    /// Writes `files` (name → bytes) as the report folder `path`.
    public static func write(_ files: [(name: String, data: Data)], to path: String) throws(OutputError) {
        for file in files where file.name.contains("/") || file.name == markerName || file.name.hasPrefix(".") {
            throw .refused(path: path, reason: "internal: bad table name \(file.name)")
        }
        switch try folderTarget(path) {
        case let .none(parent): try writeNew(files, to: path, parent: parent)
        case let .existing(folder): try writeInPlace(files, folder: folder, path: path)
        }
    }

    /// Checks, without writing, that `path` may receive a CSV report (a new name in an existing
    /// folder, an empty folder, or a folder with our marker).
    public static func check(_ path: String) throws(OutputError) {
        if case let .existing(folder) = try folderTarget(path) { _ = try ourFiles(in: folder, path: path) }
    }

    enum FolderTarget {
        /// A free name in the folder `parent`.
        case none(parent: String)
        /// An existing folder, at its real path.
        case existing(String)
    }

    static func folderTarget(_ path: String) throws(OutputError) -> FolderTarget {
        let info: stat
        switch try OutputFile.inspect(path) {
        case let .none(parent): return .none(parent: parent)
        case let .present(_, present): info = present
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .refused(path: path, reason: "it is \((info.st_mode & S_IFMT) == S_IFREG ? "a file" : "not a folder"); a CSV report is a folder of files")
        }
        guard let resolved = realpath(path, nil) else { throw .refused(path: path, reason: OutputFile.errorText()) }
        defer { free(resolved) }
        return .existing(String(cString: resolved))
    }

    /// The files of our previous report in an existing folder (empty for an empty folder).
    static func ourFiles(in folder: String, path: String) throws(OutputError) -> [String: Set<String>] {
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw .refused(path: path, reason: "cannot list it")
        }
        if entries.isEmpty { return [:] }
        let markerPath = Paths.join(folder, markerName)
        var markerInfo = stat()
        guard lstat(markerPath, &markerInfo) == 0, (markerInfo.st_mode & S_IFMT) == S_IFREG,
              let content = FileManager.default.contents(atPath: markerPath), let listed = listed(in: content) else {
            throw .refused(path: path, reason: "the folder holds files that sufficiency-solve did not write (it has no \(markerName) marker); give a new or empty folder")
        }
        return listed
    }

    /// The marker: one line per file, its name and the fingerprint of the content we wrote (a
    /// name may appear twice while a report is being replaced: the old and the new content).
    static func marker(for entries: [(name: String, fingerprint: String)]) -> Data {
        Data((markerHeader + entries.map { "\($0.name)\t\($0.fingerprint)" }.sorted().joined(separator: "\n") + "\n").utf8)
    }

    /// The files a marker lists with the fingerprints of what we wrote, or nil when `content` is not our marker.
    static func listed(in content: Data) -> [String: Set<String>]? {
        guard content.starts(with: Data(markerHeader.utf8)), let text = String(data: content, encoding: .utf8) else { return nil }
        var listed: [String: Set<String>] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: "\t")
            guard parts.count == 2, !parts[0].contains("/") else { continue }
            listed[String(parts[0]), default: []].insert(String(parts[1]))
        }
        return listed
    }

    /// FNV-1a (64 bits) of `data`, in hex: enough to tell our file from one the user wrote since.
    static func fingerprint(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// Whether the file at `path` is one we wrote: listed, and its content unchanged since.
    static func isOurs(_ name: String, at path: String, listed: [String: Set<String>]) -> Bool {
        guard let fingerprints = listed[name], let content = FileManager.default.contents(atPath: path) else { return false }
        return fingerprints.contains(fingerprint(content))
    }

    /// A folder that does not exist yet: built whole under a temporary name, then renamed.
    static func writeNew(_ files: [(name: String, data: Data)], to path: String, parent: String) throws(OutputError) {
        let temporary = OutputFile.temporaryName(in: parent)
        let folderSlot = Cleanup.register(path: temporary)
        guard mkdir(temporary, 0o777) == 0 else { Cleanup.release(folderSlot); throw .failed(path: path, reason: OutputFile.errorText()) }
        var written: [(path: String, slot: Int?)] = []
        func discard() {
            for file in written { unlink(file.path); Cleanup.release(file.slot) }
            rmdir(temporary)
            Cleanup.release(folderSlot)
        }
        let all = files + [(markerName, marker(for: files.map { ($0.name, fingerprint($0.data)) }))]
        for file in all {
            let filePath = Paths.join(temporary, file.name)
            let slot = Cleanup.register(path: filePath)
            written.append((filePath, slot))
            let descriptor = open(filePath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            guard descriptor >= 0 else { let reason = OutputFile.errorText(); discard(); throw .failed(path: path, reason: reason) }
            do { try OutputFile.writeAll(file.data, to: descriptor, path: path) } catch { close(descriptor); discard(); throw error }
            guard fsync(descriptor) == 0, close(descriptor) == 0 else { let reason = OutputFile.errorText(); discard(); throw .failed(path: path, reason: reason) }
        }
        Cleanup.pauseBeforeCommit()
        guard rename(temporary, path) == 0 else {
            let reason = errno == EEXIST || errno == ENOTEMPTY ? "it appeared while the report was being written" : OutputFile.errorText()
            discard()
            throw .failed(path: path, reason: reason)
        }
        for file in written { Cleanup.release(file.slot) }
        Cleanup.release(folderSlot)
        OutputFile.syncFolder(of: path)
    }

    /// An existing folder: empty, or holding our previous report.
    static func writeInPlace(_ files: [(name: String, data: Data)], folder: String, path: String) throws(OutputError) {
        let ours = try ourFiles(in: folder, path: path)
        // Check every file before writing any.
        for file in files {
            let filePath = Paths.join(folder, file.name)
            var fileInfo = stat()
            guard lstat(filePath, &fileInfo) == 0 else { continue }
            guard (fileInfo.st_mode & S_IFMT) == S_IFREG, isOurs(file.name, at: filePath, listed: ours) else {
                throw .refused(path: path, reason: "it holds \(file.name), which sufficiency-solve did not write (or which was changed since)")
            }
            if InputFiles.contains(fileInfo) { throw .refused(path: path, reason: "\(file.name) in it is an input of this run") }
        }
        let markerPath = Paths.join(folder, markerName)
        let newNames = Set(files.map(\.name))
        let newEntries = files.map { ($0.name, fingerprint($0.data)) }
        // The marker first names the old and the new content, so after an interruption every
        // file in the folder is still recognised as ours, and nothing else is.
        let oldEntries = ours.flatMap { name, prints in prints.map { (name, $0) } }
        try OutputFile.replace(marker(for: oldEntries + newEntries), at: markerPath, path: path)
        var staged: [(temporary: String, final: String, slot: Int?)] = []
        for file in files {
            let final = Paths.join(folder, file.name)
            do {
                let stage = try OutputFile.stage(file.data, beside: final, mode: nil, path: path)
                staged.append((stage.path, final, stage.slot))
            } catch {
                for stage in staged { unlink(stage.temporary); Cleanup.release(stage.slot) }
                throw error
            }
        }
        Cleanup.pauseBeforeCommit()
        for (index, stage) in staged.enumerated() {
            guard rename(stage.temporary, stage.final) == 0 else {
                let reason = OutputFile.errorText()
                for later in staged[index...] { unlink(later.temporary); Cleanup.release(later.slot) }
                let replaced = files[..<index].map(\.name)
                throw .failed(path: path, reason: reason + (replaced.isEmpty ? "" : "; these tables were already replaced: \(replaced.joined(separator: ", "))"))
            }
            Cleanup.release(stage.slot)
        }
        for stale in Set(ours.keys).subtracting(newNames) {
            let stalePath = Paths.join(folder, stale)
            var staleInfo = stat()
            if lstat(stalePath, &staleInfo) == 0, (staleInfo.st_mode & S_IFMT) == S_IFREG, !InputFiles.contains(staleInfo),
               isOurs(stale, at: stalePath, listed: ours) { unlink(stalePath) }
        }
        try OutputFile.replace(marker(for: newEntries), at: markerPath, path: path)
        OutputFile.syncFolder(of: markerPath)
    }
}
