import CKernelShim

/// A pixel format a ``FakeCamera`` offers, with the memory-plane layout a
/// driver computes for it (bytes per line and image size per plane).
struct FakeCameraFormat {
    let fourcc: UInt32
    let description: String
    /// (bytes per line, bytes) per memory plane for a width and height.
    let layout: @Sendable (UInt32, UInt32) -> [(bytesPerLine: UInt32, size: UInt32)]

    /// 'XR24': one plane of 4 bytes per pixel.
    static let xbgr32 = FakeCameraFormat(fourcc: fp_V4L2_PIX_FMT_XBGR32, description: "32-bit BGRX 8-8-8-8") { width, height in
        [(width * 4, width * 4 * height)]
    }

    /// 'NV12' in one memory plane: luma then interleaved chroma at half height.
    static let nv12 = FakeCameraFormat(fourcc: fp_V4L2_PIX_FMT_NV12, description: "Y/UV 4:2:0") { width, height in
        [(width, width * height * 3 / 2)]
    }

    /// 'NM12' (NV12M): luma and chroma in two memory planes.
    static let nv12Multiplanar = FakeCameraFormat(fourcc: fp_V4L2_PIX_FMT_NV12M, description: "Y/UV 4:2:0 (N-C)") { width, height in
        [(width, width * height), (width, width * height / 2)]
    }

    /// What a node offers, the first being the default.
    static func offered(multiplanar: Bool) -> [FakeCameraFormat] {
        multiplanar ? [xbgr32, nv12Multiplanar] : [xbgr32, nv12]
    }
}
