import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

extension Card {
    /// Takes a snapshot of the card: driver, capabilities, and every
    /// connector, encoder, CRTC and plane with what it can do and is doing.
    ///
    /// Connectors are probed (`drmModeGetConnector`, not the cached
    /// `drmModeGetConnectorCurrent`) so their mode lists are complete even
    /// if no one has asked the display before; on real hardware that may
    /// read an EDID and take some milliseconds.
    ///
    /// An object that disappears while the snapshot is taken (a display
    /// unplugged, an MST port gone) is left out rather than failing the whole
    /// listing.
    ///
    /// The corresponding calls are `drmModeGetResources`,
    /// `drmModeGetPlaneResources`, `drmModeGetConnector`, `drmModeGetEncoder`,
    /// `drmModeGetCrtc`, `drmModeGetPlane`, `drmModeObjectGetProperties` and
    /// `drmModeGetPropertyBlob`.
    ///
    /// - Throws: `DeviceError` naming the failed call (a card without KMS
    ///   fails `drmModeGetResources` with EOPNOTSUPP), or
    ///   `KMSError.malformedFormatModifierBlob`.
    public func describe() throws -> CardInfo {
        let descriptor = fd.rawValue
        let resources = try fetchObject("drmModeGetResources", device: path) { drm.drmModeGetResources(descriptor) }
        defer { drm.drmModeFreeResources(resources) }
        let crtcOrder = libdrmArray(resources.pointee.crtcs, count: resources.pointee.count_crtcs).map(CrtcID.init(rawValue:))
        let connectorIDs = libdrmArray(resources.pointee.connectors, count: resources.pointee.count_connectors).map(ConnectorID.init(rawValue:))
        let encoderIDs = libdrmArray(resources.pointee.encoders, count: resources.pointee.count_encoders).map(EncoderID.init(rawValue:))

        let encoders = try encoderIDs.compactMap { id in try skippingVanished { try encoder(id, crtcOrder: crtcOrder) } }
        let connectors = try connectorIDs.compactMap { id in
            try skippingVanished { try connector(id, encoders: encoders, crtcOrder: crtcOrder) }
        }
        let crtcs = try crtcOrder.enumerated().compactMap { index, id in try skippingVanished { try crtc(id, index: index) } }
        let planes = try planeIDs().compactMap { id in try skippingVanished { try plane(id, crtcOrder: crtcOrder) } }

        return CardInfo(
            path: path, driver: driver, capabilities: capabilities,
            minimumWidth: Int(resources.pointee.min_width), minimumHeight: Int(resources.pointee.min_height),
            maximumWidth: Int(resources.pointee.max_width), maximumHeight: Int(resources.pointee.max_height),
            connectors: connectors, encoders: encoders, crtcs: crtcs, planes: planes)
    }

    /// The ids of all planes; with universal planes on, primary and cursor
    /// planes too.
    ///
    /// The corresponding call is `drmModeGetPlaneResources`.
    func planeIDs() throws(DeviceError) -> [PlaneID] {
        let descriptor = fd.rawValue
        let resources = try fetchObject("drmModeGetPlaneResources", device: path) { drm.drmModeGetPlaneResources(descriptor) }
        defer { drm.drmModeFreePlaneResources(resources) }
        return libdrmArray(resources.pointee.planes, count: resources.pointee.count_planes).map(PlaneID.init(rawValue:))
    }

    /// The corresponding call is `drmModeGetEncoder`.
    func encoder(_ id: EncoderID, crtcOrder: [CrtcID]) throws(DeviceError) -> EncoderInfo {
        let descriptor = fd.rawValue
        let encoder = try fetchObject("drmModeGetEncoder", device: path) { drm.drmModeGetEncoder(descriptor, id.rawValue) }
        defer { drm.drmModeFreeEncoder(encoder) }
        return EncoderInfo(
            id: id,
            typeName: Self.encoderTypeName(encoder.pointee.encoder_type),
            currentCrtc: CrtcID(nonZero: encoder.pointee.crtc_id),
            possibleCrtcs: CrtcID.decodePossibleCrtcs(mask: encoder.pointee.possible_crtcs, resourceOrder: crtcOrder))
    }

    /// The corresponding call is `drmModeGetConnector`.
    func connector(_ id: ConnectorID, encoders: [EncoderInfo], crtcOrder: [CrtcID]) throws(DeviceError) -> ConnectorInfo {
        let descriptor = fd.rawValue
        let connector = try fetchObject("drmModeGetConnector", device: path) { drm.drmModeGetConnector(descriptor, id.rawValue) }
        defer { drm.drmModeFreeConnector(connector) }
        let info = connector.pointee

        let typeName = drmModeGetConnectorTypeName(info.connector_type).map { String(cString: $0) }
            ?? "Unknown\(info.connector_type)"
        let status: ConnectorStatus
        switch info.connection {
        case DRM_MODE_CONNECTED: status = .connected
        case DRM_MODE_DISCONNECTED: status = .disconnected
        default: status = .unknown
        }
        let possibleEncoders = libdrmArray(info.encoders, count: info.count_encoders).map(EncoderID.init(rawValue:))
        let reachable = Set(encoders.filter { possibleEncoders.contains($0.id) }.flatMap(\.possibleCrtcs))

        return ConnectorInfo(
            id: id,
            name: "\(typeName)-\(info.connector_type_id)",
            typeName: typeName,
            typeIndex: Int(info.connector_type_id),
            status: status,
            isWriteback: info.connector_type == UInt32(DRM_MODE_CONNECTOR_WRITEBACK),
            widthMillimeters: Int(info.mmWidth),
            heightMillimeters: Int(info.mmHeight),
            modes: libdrmArray(info.modes, count: info.count_modes).map(DisplayMode.init),
            currentEncoder: EncoderID(nonZero: info.encoder_id),
            possibleEncoders: possibleEncoders,
            possibleCrtcs: crtcOrder.filter(reachable.contains))
    }

    /// The corresponding call is `drmModeGetCrtc`.
    func crtc(_ id: CrtcID, index: Int) throws(DeviceError) -> CrtcInfo {
        let descriptor = fd.rawValue
        let crtc = try fetchObject("drmModeGetCrtc", device: path) { drm.drmModeGetCrtc(descriptor, id.rawValue) }
        defer { drm.drmModeFreeCrtc(crtc) }
        let info = crtc.pointee
        return CrtcInfo(
            id: id, index: index,
            mode: info.mode_valid != 0 ? DisplayMode(info.mode) : nil,
            framebuffer: FramebufferID(nonZero: info.buffer_id),
            gammaSize: Int(info.gamma_size))
    }

    /// The corresponding calls are `drmModeGetPlane`, then
    /// `drmModeObjectGetProperties` for "type" and "IN_FORMATS" and
    /// `drmModeGetPropertyBlob` for the latter's bytes.
    func plane(_ id: PlaneID, crtcOrder: [CrtcID]) throws -> PlaneInfo {
        let descriptor = fd.rawValue
        let plane = try fetchObject("drmModeGetPlane", device: path) { drm.drmModeGetPlane(descriptor, id.rawValue) }
        defer { drm.drmModeFreePlane(plane) }
        let info = plane.pointee
        let formats = libdrmArray(info.formats, count: info.count_formats).map(FourCC.init(rawValue:))

        let properties = try properties(of: id)
        let type = properties["type"].map { Self.planeType($0.value) } ?? .overlay

        var modifiers: [FourCC: [FormatModifier]] = [:]
        if let inFormats = properties["IN_FORMATS"], inFormats.value != 0 {
            let bytes = try blobBytes(BlobID(rawValue: UInt32(truncatingIfNeeded: inFormats.value)))
            do {
                modifiers = try FormatModifierBlob.parse(bytes)
            } catch {
                throw KMSError.malformedFormatModifierBlob(device: path, plane: id, problem: error)
            }
        }

        return PlaneInfo(
            id: id, type: type,
            currentCrtc: CrtcID(nonZero: info.crtc_id),
            currentFramebuffer: FramebufferID(nonZero: info.fb_id),
            possibleCrtcs: CrtcID.decodePossibleCrtcs(mask: info.possible_crtcs, resourceOrder: crtcOrder),
            formats: formats.map { PlaneFormat(format: $0, modifiers: modifiers[$0] ?? []) })
    }

    /// Runs one object's query; an object that vanished since the resource
    /// list was read (ENOENT) gives nil instead of an error.
    private func skippingVanished<T>(_ body: () throws -> T) throws -> T? {
        do {
            return try body()
        } catch let error as DeviceError where error.errno.rawValue == ENOENT {
            logger.debug("object vanished while describing the card", metadata: ["device": "\(path)", "call": "\(error.call)"])
            return nil
        }
    }

    /// Maps the "type" property's value (`DRM_PLANE_TYPE_*`). Without
    /// universal planes the kernel lists only overlays and gives no "type".
    static func planeType(_ value: UInt64) -> PlaneType {
        switch value {
        case UInt64(DRM_PLANE_TYPE_PRIMARY): return .primary
        case UInt64(DRM_PLANE_TYPE_CURSOR): return .cursor
        default: return .overlay
        }
    }

    /// A readable name for `DRM_MODE_ENCODER_*`, as modetest prints them.
    static func encoderTypeName(_ type: UInt32) -> String {
        switch Int32(bitPattern: type) {
        case DRM_MODE_ENCODER_NONE: return "none"
        case DRM_MODE_ENCODER_DAC: return "DAC"
        case DRM_MODE_ENCODER_TMDS: return "TMDS"
        case DRM_MODE_ENCODER_LVDS: return "LVDS"
        case DRM_MODE_ENCODER_TVDAC: return "TVDAC"
        case DRM_MODE_ENCODER_VIRTUAL: return "Virtual"
        case DRM_MODE_ENCODER_DSI: return "DSI"
        case DRM_MODE_ENCODER_DPMST: return "DPMST"
        case DRM_MODE_ENCODER_DPI: return "DPI"
        default: return "unknown (\(type))"
        }
    }
}
