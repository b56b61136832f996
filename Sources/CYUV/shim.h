// libyuv (Debian libyuv-dev, built with libjpeg-turbo for MJPEG). It ships
// no pkg-config file, so the module map links `yuv` directly.
#include <libyuv.h>
