import CKernelShim
#if canImport(Glibc)
import Glibc
#endif

/// The process's standard output or error, written with write(2) straight
/// to fd 1 or 2, unbuffered (as Foundation's `FileHandle.standardError`
/// writes, which lives in full Foundation only): a status line or message
/// appears at once, and JSON on standard output is not held in stdio's
/// buffer. `print` still goes through stdio; flush before mixing the two.
public enum StandardStream: Sendable {
    /// File descriptor 1.
    case output
    /// File descriptor 2.
    case error

    /// Writes every byte of `text` as UTF-8 (again after a partial write or
    /// EINTR); on a closed or failing stream the rest is dropped: a message
    /// has nowhere better to go.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Writes every byte of `bytes`.
    public func write(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBytes { write($0) }
    }

    private func write(_ buffer: UnsafeRawBufferPointer) {
        let fd: Int32 = self == .output ? 1 : 2
        var offset = 0
        while offset < buffer.count, let base = buffer.baseAddress {
            let written = Glibc.write(fd, base + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// Makes stdio's standard output (`print`) line-buffered when it is a
    /// pipe or a file, as it is on a terminal: a service's plan line reaches
    /// the journal when it is printed, not with the summary at exit. Call
    /// before anything is printed.
    public static func lineBufferOutput() {
        _ = fp_line_buffer_stdout()
    }
}
