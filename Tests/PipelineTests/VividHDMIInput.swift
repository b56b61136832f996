import CKernelShim
import CV4L2
import Platform
import V4L2
import XCTest

/// Switches a vivid capture node to its HDMI input with the DV timings of
/// a given size, for a camera whose frames are exactly that size (vivid's
/// webcam input offers only fixed sizes). ``restore()`` goes back to the
/// input the node had.
final class VividHDMIInput {
    private let device: VideoDevice
    private var previousInput: Int32 = 0
    /// vivid's default inputs: webcam, TV, S-Video, HDMI.
    static let hdmiInput: Int32 = 3

    init(_ path: String, width: UInt32, height: UInt32) throws {
        device = try VideoDevice.open(path)
        try device.fd.control(IoctlRequest("VIDIOC_G_INPUT", fp_VIDIOC_G_INPUT), &previousInput)
        var input = Self.hdmiInput
        try device.fd.control(IoctlRequest("VIDIOC_S_INPUT", fp_VIDIOC_S_INPUT), &input)
        var index: UInt32 = 0
        while true {
            var entry = v4l2_enum_dv_timings()
            entry.index = index
            do {
                try device.fd.control(IoctlRequest("VIDIOC_ENUM_DV_TIMINGS", fp_VIDIOC_ENUM_DV_TIMINGS), &entry)
            } catch {
                restore()
                throw ComparisonError(description: "\(path): HDMI input offers no \(width)x\(height) progressive DV timings (\(error))")
            }
            if entry.timings.bt.width == width, entry.timings.bt.height == height, entry.timings.bt.interlaced == 0 {
                var timings = entry.timings
                try device.fd.control(IoctlRequest("VIDIOC_S_DV_TIMINGS", fp_VIDIOC_S_DV_TIMINGS), &timings)
                return
            }
            index += 1
        }
    }

    /// Back to the input the node had (the webcam, for the other tests).
    func restore() {
        var input = previousInput
        try? device.fd.control(IoctlRequest("VIDIOC_S_INPUT", fp_VIDIOC_S_INPUT), &input)
    }
}
