import CV4L2
import Platform

/// What `VIDIOC_QUERYCAP` reports about a node.
public struct CapabilityInfo: Sendable, Equatable {
    /// The driver's name (`v4l2_capability.driver`), e.g. "vivid" or "uvcvideo".
    public var driver: String
    /// The device's name for people (`v4l2_capability.card`), e.g. "vivid".
    public var card: String
    /// Where the device sits (`v4l2_capability.bus_info`), e.g.
    /// "platform:vivid-000" or "usb-0000:00:14.0-1".
    public var busInfo: String
    /// The kernel version the driver reports, e.g. "6.1.0".
    public var driverVersion: String
    /// Everything the physical device offers.
    public var capabilities: VideoCapabilities
    /// What this node offers (the bits that matter for this path).
    public var deviceCapabilities: VideoCapabilities

    /// The capabilities `VIDIOC_QUERYCAP` filled in. Without
    /// `V4L2_CAP_DEVICE_CAPS`, ``deviceCapabilities`` are the device's.
    package init(_ raw: v4l2_capability) {
        driver = String(fixedCString: raw.driver)
        card = String(fixedCString: raw.card)
        busInfo = String(fixedCString: raw.bus_info)
        driverVersion = "\(raw.version >> 16).\((raw.version >> 8) & 0xff).\(raw.version & 0xff)"
        capabilities = VideoCapabilities(rawValue: raw.capabilities)
        // Before device_caps existed, the node's caps were the device's caps.
        deviceCapabilities = capabilities.contains(.deviceCapabilities)
            ? VideoCapabilities(rawValue: raw.device_caps) : capabilities
    }

    /// True when libv4l2 would attach its mplane plugin to this device: the
    /// device (not just this node) offers multiplanar capture or output but
    /// not the single-planar variant. The plugin decides on the device-wide
    /// `capabilities`, so this does too.
    public var libv4l2WouldEmulateSinglePlanar: Bool {
        (capabilities.contains(.videoCaptureMultiplanar) && !capabilities.contains(.videoCapture))
            || (capabilities.contains(.videoOutputMultiplanar) && !capabilities.contains(.videoOutput))
    }
}
