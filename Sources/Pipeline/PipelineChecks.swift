import KMS
import Platform
import V4L2

#if canImport(Glibc)
import Glibc
#endif

/// Checks both pipelines (one camera, several) make the same way.
enum PipelineChecks {
    /// Lets the commit in flight land (for a snapshot): while `isPending`,
    /// waits up to `timeoutNanoseconds` in all for the card's descriptor
    /// and hands each event to `readable`.
    static func settleFlip(on display: Display, timeoutNanoseconds: Int64, isPending: () -> Bool, readable: () throws -> Void) throws {
        let deadline = monotonicMilliseconds() + Int(timeoutNanoseconds / 1_000_000)
        while isPending(), monotonicMilliseconds() < deadline {
            if try display.card.fd.waitReadable(timeoutMilliseconds: 100) { try readable() }
        }
    }

    /// What poll(2) says about a camera's descriptor right now: libdispatch
    /// only reports a descriptor that polls readable (or hung up), and a
    /// V4L2 queue whose driver hit a fatal error polls `POLLERR` alone,
    /// forever. nil when it is fine; else unplugged (`POLLHUP`) or failed,
    /// naming the flags. The caller lets DQBUF say more first.
    static func descriptorFault(of stream: CaptureStream) -> PipelineError? {
        let problems = stream.device.fd.pollNow() & (POLLERR | POLLHUP | POLLNVAL)
        guard problems != 0 else { return nil }
        let device = stream.device.path
        if problems & POLLHUP != 0 { return .cameraUnplugged(device: device) }
        var names: [String] = []
        if problems & POLLERR != 0 { names.append("POLLERR") }
        if problems & POLLNVAL != 0 { names.append("POLLNVAL") }
        return .cameraFailed(device: device, cause: "poll reports \(names.joined(separator: "|"))")
    }
}
