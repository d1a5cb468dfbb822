import Foundation

/// What must be undone if the process is stopped by a signal: temporary files and folders being
/// written, and child processes being waited for. The command line's signal handler calls
/// ``Cleanup/runFromSignalHandler(signal:)``; everything it touches is preallocated, and it makes
/// only async-signal-safe calls (`unlink`, `rmdir`, `kill`, `waitpid`).
public enum Cleanup {
    static let capacity = 1024
    /// Paths to remove (files with `unlink`, folders with `rmdir` after their files), in the order registered.
    nonisolated(unsafe) static let paths: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let table = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        table.initialize(repeating: nil, count: capacity)
        return table
    }()
    nonisolated(unsafe) static let pids: UnsafeMutablePointer<pid_t> = {
        let table = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
        table.initialize(repeating: 0, count: capacity)
        return table
    }()
    static let lock = NSLock()

    /// Makes the tables ready before any signal can arrive (a signal handler must not run a
    /// lazy initialiser): call once at start-up, before installing the handler.
    public static func prepare() {
        _ = paths
        _ = pids
    }

    /// Registers a temporary path to remove on a signal; returns its slot for ``release(_:)``.
    @discardableResult
    static func register(path: String) -> Int? {
        lock.lock(); defer { lock.unlock() }
        for slot in 0..<capacity where paths[slot] == nil {
            paths[slot] = strdup(path)
            return slot
        }
        return nil
    }

    /// Forgets a temporary path once it has been renamed into place or removed.
    static func release(_ slot: Int?) {
        guard let slot else { return }
        lock.lock(); defer { lock.unlock() }
        let old = paths[slot]
        paths[slot] = nil
        free(old)
    }

    /// Registers a child process to stop with us.
    public static func register(child pid: pid_t) -> Int? {
        lock.lock(); defer { lock.unlock() }
        for slot in 0..<capacity where pids[slot] == 0 {
            pids[slot] = pid
            return slot
        }
        return nil
    }

    public static func release(child slot: Int?) {
        guard let slot else { return }
        lock.lock(); defer { lock.unlock() }
        pids[slot] = 0
    }

    /// Test hook: with `SUFFICIENCY_PAUSE_BEFORE_COMMIT=SECONDS` in the environment, writers
    /// pause after their temporary files are complete and before renaming them into place, so a
    /// test can interrupt them at the worst moment.
    static func pauseBeforeCommit() {
        guard let text = ProcessInfo.processInfo.environment["SUFFICIENCY_PAUSE_BEFORE_COMMIT"], let seconds = Double(text),
              seconds > 0, seconds < 60 else { return }
        Thread.sleep(forTimeInterval: seconds)
    }

    /// Called from a signal handler: passes the signal on to every child and waits for it, then
    /// removes every temporary file and folder. No locks, no allocation.
    public static func runFromSignalHandler(signal: Int32) {
        for slot in 0..<capacity where pids[slot] > 0 { kill(pids[slot], signal) }
        for slot in 0..<capacity where pids[slot] > 0 {
            var status: Int32 = 0
            while waitpid(pids[slot], &status, 0) < 0 && errno == EINTR {}
        }
        // Files first (unlink fails on a folder), then the folders, emptied by the first pass.
        for slot in 0..<capacity { if let path = paths[slot] { unlink(path) } }
        for slot in 0..<capacity { if let path = paths[slot] { rmdir(path) } }
    }
}
