import Pipeline

/// Where start-up went. Times are from the command's start
/// (CLOCK_MONOTONIC when `bench` began, first thing in `main`) unless
/// they say otherwise.
package struct StartupTimes: Sendable, Codable, Equatable {
    /// From `execve` to `main`: loading the executable, the Swift
    /// runtime and the libraries (to ±10 ms, /proc's clock ticks); nil
    /// if /proc was not readable.
    package var loadMilliseconds: Double?
    /// Opening the devices, planning, allocating and importing.
    package var setupMilliseconds: Double
    /// ``setupMilliseconds`` step by step (``SetupStep``).
    package var setupSteps: [SetupStep]
    /// The first frame shown (the modeset's) on its way: its capture
    /// timestamp, dequeue, commit and flip; nil when no frame was shown.
    package var firstFrame: FirstFrame?
    /// To the vblank of the first flip (the modeset's); nil when no
    /// frame was shown.
    package var firstFrameMilliseconds: Double?

    /// The first shown frame's timestamps, from the command's start.
    package struct FirstFrame: Sendable, Codable, Equatable {
        /// The camera's buffer timestamp (the first frame it made after
        /// VIDIOC_STREAMON, or a later one if earlier ones were dropped).
        package var capturedMilliseconds: Double?
        /// framepipe took the buffer (VIDIOC_DQBUF).
        package var dequeuedMilliseconds: Double?
        /// The commit that set the mode (or, with the mode kept, the
        /// first plane update) was issued.
        package var committedMilliseconds: Double?
        /// The vblank of that commit's flip event.
        package var onScreenMilliseconds: Double

        /// Figures with these values; no checks.
        package init(capturedMilliseconds: Double?, dequeuedMilliseconds: Double?, committedMilliseconds: Double?, onScreenMilliseconds: Double) {
            self.capturedMilliseconds = capturedMilliseconds
            self.dequeuedMilliseconds = dequeuedMilliseconds
            self.committedMilliseconds = committedMilliseconds
            self.onScreenMilliseconds = onScreenMilliseconds
        }

        /// The shown modeset frame's timestamps relative to
        /// `commandStart` (CLOCK_MONOTONIC nanoseconds); nil if the
        /// record has no flip. A buffer timestamp that cannot be the
        /// frame's capture time (after its dequeue, as end-of-frame
        /// stamps from the future are, or from another clock) is left out.
        package init?(record: FrameRecord, commandStart: Int64) {
            guard let flip = record.flipNanoseconds else { return nil }
            let since = { (time: Int64?) in time.map { Double($0 - commandStart) / 1e6 } }
            var capture = record.captureNanoseconds
            if let stamp = capture, let dequeue = record.dequeueNanoseconds,
               !CaptureTimestamps.isPlausible(capture: stamp, dequeue: dequeue) {
                capture = nil
            }
            self.init(
                capturedMilliseconds: since(capture), dequeuedMilliseconds: since(record.dequeueNanoseconds),
                committedMilliseconds: since(record.commitNanoseconds), onScreenMilliseconds: Double(flip - commandStart) / 1e6)
        }
    }

    /// Figures with these values; no checks.
    package init(loadMilliseconds: Double? = nil, setupMilliseconds: Double, setupSteps: [SetupStep] = [], firstFrame: FirstFrame?) {
        self.loadMilliseconds = loadMilliseconds
        self.setupMilliseconds = setupMilliseconds
        self.setupSteps = setupSteps
        self.firstFrame = firstFrame
        self.firstFrameMilliseconds = firstFrame?.onScreenMilliseconds
    }

    /// The start-up line of `framepipe bench`'s summary.
    package var text: String {
        func ms(_ value: Double) -> String { String(Int(value.rounded())) }
        var parts: [String] = []
        if let loadMilliseconds { parts.append("loaded in \(ms(loadMilliseconds)) ms before main") }
        let steps = setupSteps.map { "\($0.name) \(ms($0.milliseconds))" }.joined(separator: ", ")
        parts.append("set up after \(ms(setupMilliseconds)) ms" + (steps.isEmpty ? "" : " (\(steps))"))
        if let firstFrame {
            var stages: [String] = []
            if let captured = firstFrame.capturedMilliseconds { stages.append("captured \(ms(captured))") }
            if let dequeued = firstFrame.dequeuedMilliseconds { stages.append("dequeued \(ms(dequeued))") }
            if let committed = firstFrame.committedMilliseconds { stages.append("committed \(ms(committed))") }
            stages.append("on screen \(ms(firstFrame.onScreenMilliseconds)) ms")
            parts.append("first frame " + stages.joined(separator: ", "))
        } else {
            parts.append("no frame shown")
        }
        return "start-up: " + parts.joined(separator: "; ")
    }
}
