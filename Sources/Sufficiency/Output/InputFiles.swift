import Foundation

/// The files this process has read as input (scenarios, CSV tables, baselines), by device and
/// inode, so no output can ever be written over one of them, whatever name it is reached by.
public enum InputFiles {
    struct Identity: Hashable { var device: UInt64; var inode: UInt64 }
    private static let lock = NSLock()
    nonisolated(unsafe) private static var identities: Set<Identity> = []

    /// Records an open descriptor's file as an input.
    static func record(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return }
        lock.lock(); defer { lock.unlock() }
        identities.insert(Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    /// Records a path as an input (following links), when it exists.
    public static func record(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        lock.lock(); defer { lock.unlock() }
        identities.insert(Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    /// Whether `info` is one of the inputs.
    static func contains(_ info: stat) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return identities.contains(Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    /// Forgets every input (tests).
    static func reset() {
        lock.lock(); defer { lock.unlock() }
        identities = []
    }
}
