import Dispatch
import Logging
import Pipeline
import Platform
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

private let logger = Logger(label: "framepipe.cli")

/// SIGINT and SIGTERM while a pipeline runs: process-wide state, so it is
/// the command's business, not the library's.
///
/// The handler is a plain `sigaction` handler rather than a dispatch signal
/// source on the pipeline queue: such a source only runs when the queue is
/// free, so with the queue stuck (a hung ioctl, a slow callback) neither the
/// first nor the second Ctrl-C did anything. This handler runs at once and
/// only does what is async-signal-safe. The first signal is written to a
/// pipe, which a read source on a queue of its own turns into a stop. A
/// later one puts the default action back and raises itself again: the
/// process ends at once, by that signal, whatever the pipeline is doing.
///
/// A signal within ``duplicateWindowNanoseconds`` of the first is the same
/// request delivered twice, not a second Ctrl-C: timeout(1), for one,
/// signals the process and then its whole process group.
package final class SignalRelay: @unchecked Sendable {
    /// When the first signal arrived (CLOCK_MONOTONIC ns), 0 before; and
    /// the pipe's write end. Atomics: the C handler cannot capture, and may
    /// run on any thread.
    static let firstSignal = Atomic<Int64>(0)
    static let writeDescriptor = Atomic<Int32>(-1)
    static let duplicateWindowNanoseconds: Int64 = 200_000_000

    private static let signals: [Int32] = [SIGINT, SIGTERM]
    private var previousActions: [sigaction] = []
    private var previousMask = sigset_t()
    private var pipeDescriptors: [Int32] = [-1, -1]
    private let kernel: any KernelInterface = SystemKernel.shared
    private let queue = DispatchQueue(label: "framepipe.signals")
    private let cancelled = DispatchGroup()
    private var source: (any DispatchSourceRead)?

    /// Installs the handlers; the first SIGINT or SIGTERM stops `pipeline`.
    package init(stopping pipeline: any StoppablePipeline) {
        guard kernel.pipe2(&pipeDescriptors, O_CLOEXEC | O_NONBLOCK) == 0 else {
            // Without the pipe the default actions stay: a signal still
            // ends the process, only without the clean teardown.
            logger.warning("no pipe for signals (\(errnoName(errno))): Ctrl-C ends framepipe without restoring the display")
            pipeDescriptors = [-1, -1]
            return
        }
        let reader = pipeDescriptors[0]
        let kernel = self.kernel
        let source = DispatchSource.makeReadSource(fileDescriptor: reader, queue: queue)
        source.setEventHandler { [unowned pipeline] in
            var number: UInt8 = 0
            while kernel.read(reader, &number, 1) == 1 {
                pipeline.stop(Int32(number) == SIGTERM ? .terminated : .interrupted)
            }
        }
        cancelled.enter()
        source.setCancelHandler { [cancelled] in cancelled.leave() }
        source.resume()
        self.source = source

        Self.firstSignal.store(0, ordering: .sequentiallyConsistent)
        Self.writeDescriptor.store(pipeDescriptors[1], ordering: .sequentiallyConsistent)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = relaySignal
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        var mask = sigset_t()
        sigemptyset(&mask)
        for number in Self.signals {
            var previous = sigaction()
            if sigaction(number, &action, &previous) != 0 {
                logger.warning("sigaction(\(number)) failed (\(errnoName(errno))): that signal ends framepipe without restoring the display")
            }
            previousActions.append(previous)
            sigaddset(&mask, number)
        }
        // The calling thread waits for the run; it must be able to take the
        // signals (worker threads of libdispatch block them all).
        pthread_sigmask(SIG_UNBLOCK, &mask, &previousMask)
    }

    /// Restores the previous handlers and mask, then closes the pipe once
    /// its read source has let go of it.
    package func uninstall() {
        for (number, previous) in zip(Self.signals, previousActions) {
            var action = previous
            sigaction(number, &action, nil)
        }
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        if let source {
            source.cancel()
            cancelled.wait()
            self.source = nil
        }
        Self.writeDescriptor.store(-1, ordering: .sequentiallyConsistent)
        for descriptor in pipeDescriptors where descriptor >= 0 { _ = kernel.close(descriptor, backend: .system) }
        pipeDescriptors = [-1, -1]
    }
}

/// The C signal handler: async-signal-safe calls only (clock_gettime,
/// write, signal, raise) and lock-free atomics.
private let relaySignal: @convention(c) (Int32) -> Void = { number in
    let savedErrno = errno
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    let nanoseconds = max(1, Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))
    let (isFirst, first) = SignalRelay.firstSignal.compareExchange(
        expected: 0, desired: nanoseconds, ordering: .sequentiallyConsistent)
    if isFirst {
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(SignalRelay.writeDescriptor.load(ordering: .sequentiallyConsistent), &byte, 1)
    } else if nanoseconds - first >= SignalRelay.duplicateWindowNanoseconds {
        // A second request: end now. The signal is blocked while its
        // handler runs, so the raised one lands right after the return.
        signal(number, SIG_DFL)
        raise(number)
    }
    errno = savedErrno
}
