#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

namespace ipcpg {

// Anonymous MAP_SHARED memory. Mapped by the lead before it forks, so both sides of a pair see
// the same pages without any name that could be left behind or opened by another process. Each
// process unmaps its own view when the owner is destroyed; the pages go away with the last one.
class SharedMapping {
public:
    // Zero-filled. Throws Error naming `what` when the kernel refuses.
    SharedMapping(std::size_t bytes, std::string_view what);
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
