import CKernelShim
import Platform

/// The V4L2 ioctls framepipe issues, with the names errors print.
extension IoctlRequest {
    static let queryCapability = IoctlRequest("VIDIOC_QUERYCAP", fp_VIDIOC_QUERYCAP)
    static let enumerateFormat = IoctlRequest("VIDIOC_ENUM_FMT", fp_VIDIOC_ENUM_FMT)
    static let getFormat = IoctlRequest("VIDIOC_G_FMT", fp_VIDIOC_G_FMT)
    static let setFormat = IoctlRequest("VIDIOC_S_FMT", fp_VIDIOC_S_FMT)
    static let tryFormat = IoctlRequest("VIDIOC_TRY_FMT", fp_VIDIOC_TRY_FMT)
    static let requestBuffers = IoctlRequest("VIDIOC_REQBUFS", fp_VIDIOC_REQBUFS)
    static let queryBuffer = IoctlRequest("VIDIOC_QUERYBUF", fp_VIDIOC_QUERYBUF)
    static let queueBuffer = IoctlRequest("VIDIOC_QBUF", fp_VIDIOC_QBUF)
    static let dequeueBuffer = IoctlRequest("VIDIOC_DQBUF", fp_VIDIOC_DQBUF)
    static let exportBuffer = IoctlRequest("VIDIOC_EXPBUF", fp_VIDIOC_EXPBUF)
    static let streamOn = IoctlRequest("VIDIOC_STREAMON", fp_VIDIOC_STREAMON)
    static let streamOff = IoctlRequest("VIDIOC_STREAMOFF", fp_VIDIOC_STREAMOFF)
    static let getParameters = IoctlRequest("VIDIOC_G_PARM", fp_VIDIOC_G_PARM)
    static let setParameters = IoctlRequest("VIDIOC_S_PARM", fp_VIDIOC_S_PARM)
    static let enumerateFrameSizes = IoctlRequest("VIDIOC_ENUM_FRAMESIZES", fp_VIDIOC_ENUM_FRAMESIZES)
    static let enumerateFrameIntervals = IoctlRequest("VIDIOC_ENUM_FRAMEINTERVALS", fp_VIDIOC_ENUM_FRAMEINTERVALS)
    static let queryExtendedControl = IoctlRequest("VIDIOC_QUERY_EXT_CTRL", fp_VIDIOC_QUERY_EXT_CTRL)
    static let getExtendedControls = IoctlRequest("VIDIOC_G_EXT_CTRLS", fp_VIDIOC_G_EXT_CTRLS)
    static let setExtendedControls = IoctlRequest("VIDIOC_S_EXT_CTRLS", fp_VIDIOC_S_EXT_CTRLS)
    static let subscribeEvent = IoctlRequest("VIDIOC_SUBSCRIBE_EVENT", fp_VIDIOC_SUBSCRIBE_EVENT)
    static let dequeueEvent = IoctlRequest("VIDIOC_DQEVENT", fp_VIDIOC_DQEVENT)
}

/// The media controller's and subdevices' ioctls.
extension IoctlRequest {
    static let mediaDeviceInfo = IoctlRequest("MEDIA_IOC_DEVICE_INFO", fp_MEDIA_IOC_DEVICE_INFO)
    static let mediaTopology = IoctlRequest("MEDIA_IOC_G_TOPOLOGY", fp_MEDIA_IOC_G_TOPOLOGY)
    static let mediaSetupLink = IoctlRequest("MEDIA_IOC_SETUP_LINK", fp_MEDIA_IOC_SETUP_LINK)
    static let subdevGetFormat = IoctlRequest("VIDIOC_SUBDEV_G_FMT", fp_VIDIOC_SUBDEV_G_FMT)
    static let subdevSetFormat = IoctlRequest("VIDIOC_SUBDEV_S_FMT", fp_VIDIOC_SUBDEV_S_FMT)
    static let subdevEnumerateCodes = IoctlRequest("VIDIOC_SUBDEV_ENUM_MBUS_CODE", fp_VIDIOC_SUBDEV_ENUM_MBUS_CODE)
    static let subdevEnumerateSizes = IoctlRequest("VIDIOC_SUBDEV_ENUM_FRAME_SIZE", fp_VIDIOC_SUBDEV_ENUM_FRAME_SIZE)
    static let subdevGetSelection = IoctlRequest("VIDIOC_SUBDEV_G_SELECTION", fp_VIDIOC_SUBDEV_G_SELECTION)
    static let subdevSetSelection = IoctlRequest("VIDIOC_SUBDEV_S_SELECTION", fp_VIDIOC_SUBDEV_S_SELECTION)
    static let subdevGetFrameInterval = IoctlRequest("VIDIOC_SUBDEV_G_FRAME_INTERVAL", fp_VIDIOC_SUBDEV_G_FRAME_INTERVAL)
    static let subdevSetFrameInterval = IoctlRequest("VIDIOC_SUBDEV_S_FRAME_INTERVAL", fp_VIDIOC_SUBDEV_S_FRAME_INTERVAL)
    static let subdevEnumerateIntervals = IoctlRequest("VIDIOC_SUBDEV_ENUM_FRAME_INTERVAL", fp_VIDIOC_SUBDEV_ENUM_FRAME_INTERVAL)
}
