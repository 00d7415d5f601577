#include "mechanisms/sharedmapping.h"

#include <cerrno>
#include <string>
#include <sys/mman.h>

#include "ipcpg/error.h"

namespace ipcpg {

SharedMapping::SharedMapping(std::size_t bytes, std::string_view what)
    : m_size(bytes)
{
    void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        throwSystemError("cannot map " + std::string(what) + " (" + std::to_string(bytes) + " B of shared memory)",
            errno);
    m_data = static_cast<std::byte*>(memory);
}

SharedMapping::~SharedMapping()
{
    if (m_data)
        munmap(m_data, m_size);
}

} // namespace ipcpg
