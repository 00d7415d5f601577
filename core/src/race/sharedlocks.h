#pragma once

#include <pthread.h>
#include <semaphore.h>

namespace ipcpg {

// A pthread mutex that lives in shared memory and works across processes. It is robust: when a
// holder dies, the next lock() gets the mutex back instead of waiting forever.
// initialise() and destroy() are called once, by the process that owns the memory.
class SharedMutex {
public:
    void initialise(); // throws Error when the kernel or libc refuses
    void destroy();
    // Returns true when the previous holder died while holding it: the mutex was made consistent
    // again, but what it protected may be half-updated. Throws Error if it cannot be taken.
    bool lock();
    void unlock();

private:
    pthread_mutex_t m_mutex;
};

// A POSIX semaphore that lives in shared memory (sem_init with pshared = 1).
class SharedSemaphore {
public:
    void initialise(unsigned value); // throws Error
    void destroy();
    void wait(); // retries on EINTR; throws Error on anything else
    // Waits at most `ms` milliseconds; false on timeout. Lets a waiter notice a stop request.
    bool waitFor(int ms);
    void post();

private:
    sem_t m_semaphore;
};

} // namespace ipcpg
