#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

namespace ipcpg {

class RunResources;

// MAP_SHARED memory, mapped by the lead before it forks so both sides of a pair see the same
// pages. Anonymous by default: no name that could be left behind or opened by another process.
// Each process unmaps its own view when the owner is destroyed; the pages go away with the last
// one (and, for a named object, once RunResources has unlinked the name).
class SharedMapping {
public:
    // Zero-filled. Throws Error naming `what` when the kernel refuses.
    SharedMapping(std::size_t bytes, std::string_view what);
    // A named POSIX shared-memory object instead (shm_open, O_EXCL, mode 0600, a name from
    // `resources`, which removes it at the end of the run), for memory a user can see in
    // /dev/shm. Its pages are allocated up front, so a full /dev/shm is an Error naming it
    // rather than a SIGBUS in the middle of a run, and mapped with MAP_POPULATE.
    SharedMapping(RunResources& resources, std::string_view purpose, std::size_t bytes);
    ~SharedMapping();
    SharedMapping(SharedMapping&& other) noexcept
        : m_data(std::exchange(other.m_data, nullptr))
        , m_size(std::exchange(other.m_size, 0))
    {
    }
    SharedMapping& operator=(SharedMapping&&) = delete;
    SharedMapping(const SharedMapping&) = delete;
    SharedMapping& operator=(const SharedMapping&) = delete;

    std::byte* data() const { return m_data; }
    std::size_t size() const { return m_size; }

private:
    std::byte* m_data = nullptr;
    std::size_t m_size = 0;
};

} // namespace ipcpg
