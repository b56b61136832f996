// framepipe lab: the dma-buf heap core (drivers/dma-buf/dma-heap.c of the
// kernel's own source package), built out of tree because Debian's kernel
// has CONFIG_DMABUF_HEAPS off. Built in, the core exports nothing; built as
// a module, these three functions must be exported for the system heap
// (heaps/system_heap.c, the second module) to link against them.
#include <linux/module.h>
#include <linux/dma-heap.h>

EXPORT_SYMBOL_GPL(dma_heap_add);
EXPORT_SYMBOL_GPL(dma_heap_get_drvdata);
EXPORT_SYMBOL_GPL(dma_heap_get_name);
MODULE_IMPORT_NS(DMA_BUF);
MODULE_LICENSE("GPL");
