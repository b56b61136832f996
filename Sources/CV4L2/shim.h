// libv4l2 and the kernel's V4L2, media controller and subdevice UAPI (libv4l-dev, linux-libc-dev). Nothing but includes.
#include <linux/videodev2.h>
#include <libv4l2.h>
#include <linux/media.h>
#include <linux/v4l2-subdev.h>
#include <linux/media-bus-format.h>
