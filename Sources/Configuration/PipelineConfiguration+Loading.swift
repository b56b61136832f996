import FoundationEssentials
import Platform

#if canImport(Glibc)
import Glibc
#endif

extension PipelineConfiguration {
    /// The largest pipeline file accepted; real ones are well under 4 KiB.
    public static let maximumFileSize = 1 << 20

    /// Reads and validates a pipeline file.
    public static func load(path: String) throws(ConfigurationError) -> PipelineConfiguration {
        // stat, not FileManager's fileExists: that says "no such file" for
        // a file in a folder this user may not enter (EACCES) as well.
        var info = stat()
        guard stat(path, &info) == 0 else { throw unreadable(path, errno: errno) }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw ConfigurationError(file: path, keyPath: "", problem: "is a directory, expected a JSON pipeline file")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable(path, errno: errno) }
        defer { close(fd) }
        // Read at most one byte past the limit, so /dev/zero or a huge file
        // cannot exhaust memory.
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while data.count <= maximumFileSize {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, min($0.count, maximumFileSize + 1 - data.count)) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                let reason = String(cString: strerror(errno))
                throw ConfigurationError(file: path, keyPath: "", problem: "cannot be read: \(reason)", category: .notFound)
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[..<count])
        }
        if data.count > maximumFileSize {
            throw ConfigurationError(file: path, keyPath: "", problem: "is larger than 1 MiB, expected a small JSON pipeline file")
        }
        return try decode(data, file: path)
    }

    /// Why `stat` or `open` refused `path`: not there (ENOENT, ENOTDIR:
    /// exit 66), or there but not for this user (EACCES, EPERM: 77), with
    /// the kernel's reason.
    private static func unreadable(_ path: String, errno code: Int32) -> ConfigurationError {
        if code == ENOENT || code == ENOTDIR {
            return ConfigurationError(file: path, keyPath: "", problem: "no such file, expected a JSON pipeline file", category: .notFound)
        }
        let reason = "cannot be read: \(String(cString: strerror(code))) (\(errnoName(code)))"
        return ConfigurationError(file: path, keyPath: "", problem: reason, category: code == EACCES || code == EPERM ? .permissionDenied : .notFound)
    }

    /// Decodes pipeline JSON; `file` names it in errors.
    public static func decode(_ data: Data, file: String) throws(ConfigurationError) -> PipelineConfiguration {
        if data.isEmpty {
            throw ConfigurationError(file: file, keyPath: "", problem: "is empty, expected a JSON object")
        }
        guard String(validatingUTF8Bytes: data) != nil else {
            throw ConfigurationError(file: file, keyPath: "", problem: "is not valid UTF-8 text, expected a JSON object")
        }
        do {
            return try JSONDecoder().decode(PipelineConfiguration.self, from: data)
        } catch let error as DecodingError {
            throw ConfigurationError(file: file, decodingError: error, data: data)
        } catch {
            throw ConfigurationError(file: file, keyPath: "", problem: "cannot be decoded: \(oneLine("\(error)"))")
        }
    }
}
