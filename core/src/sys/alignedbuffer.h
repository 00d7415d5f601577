#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>

#include "ipcpg/error.h"

namespace ipcpg {

// A heap buffer aligned to a cache line, so a frame never shares a line with unrelated data.
class AlignedBuffer {
public:
    AlignedBuffer() = default;
    explicit AlignedBuffer(std::size_t size)
        : m_size(size)
    {
        const std::size_t rounded = (size + 63) / 64 * 64;
        void* memory = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
        if (!memory)
            throwSystemError("cannot allocate a message buffer of " + std::to_string(size) + " B", ENOMEM);
        m_data.reset(static_cast<std::byte*>(memory));
    }

    std::span<std::byte> span() { return { m_data.get(), m_size }; }
    std::span<const std::byte> span() const { return { m_data.get(), m_size }; }
    std::byte* data() { return m_data.get(); }
    std::size_t size() const { return m_size; }

private:
    struct Free {
        void operator()(std::byte* p) const { std::free(p); }
    };
    std::unique_ptr<std::byte, Free> m_data;
    std::size_t m_size = 0;
};

} // namespace ipcpg
