#include "sys/sharedmapping.h"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>

#include "ipcpg/error.h"
#include "ipcpg/runresources.h"
#include "ipcpg/units.h"
#include "sys/uniquefd.h"

namespace ipcpg {

SharedMapping::SharedMapping(std::size_t bytes, std::string_view what)
    : m_size(bytes)
{
    void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        throwSystemError(
            "cannot map " + std::string(what) + " (" + std::to_string(bytes) + " B of shared memory)", errno);
    m_data = static_cast<std::byte*>(memory);
}

SharedMapping::SharedMapping(RunResources& resources, std::string_view purpose, std::size_t bytes)
    : m_size(bytes)
{
    const std::string name = resources.objectName(purpose);
    UniqueFd fd(shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600));
    if (!fd.valid())
        throwSystemError("cannot create the shared-memory object " + name, errno);
    resources.addShm(name);
    // posix_fallocate, not ftruncate: a sparse object on a full /dev/shm maps fine and then kills
    // the first process that touches a missing page with SIGBUS.
    if (const int error = posix_fallocate(fd.get(), 0, static_cast<off_t>(bytes)); error != 0)
        throwSystemError("cannot allocate " + formatBytes(bytes) + " for the shared-memory object " + name
                + " (/dev/shm holds it: see `df -h /dev/shm`)",
            error);
    void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd.get(), 0);
    if (memory == MAP_FAILED)
        throwSystemError("cannot map the shared-memory object " + name + " (" + formatBytes(bytes) + ")", errno);
    m_data = static_cast<std::byte*>(memory);
}

SharedMapping::~SharedMapping()
{
    if (m_data)
        munmap(m_data, m_size);
}

} // namespace ipcpg
