#include "race/sharedlocks.h"

#include <cerrno>
#include <ctime>

#include "ipcpg/error.h"

namespace ipcpg {

void SharedMutex::initialise()
{
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    int error = pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    if (error == 0)
        error = pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    if (error == 0)
        error = pthread_mutex_init(&m_mutex, &attributes);
    pthread_mutexattr_destroy(&attributes);
    if (error != 0)
        throwSystemError("cannot create a process-shared robust mutex", error);
}

void SharedMutex::destroy() { pthread_mutex_destroy(&m_mutex); }

bool SharedMutex::lock()
{
    const int error = pthread_mutex_lock(&m_mutex);
    if (error == 0)
        return false;
    if (error == EOWNERDEAD) {
        // The holder died inside its critical section. Declaring the mutex consistent lets the
        // race go on; the lead reports the dead worker anyway.
        pthread_mutex_consistent(&m_mutex);
        return true;
    }
    throwSystemError("cannot lock the shared mutex", error);
}

void SharedMutex::unlock() { pthread_mutex_unlock(&m_mutex); }

void SharedSemaphore::initialise(unsigned value)
{
    if (sem_init(&m_semaphore, 1, value) != 0)
        throwSystemError("cannot create a process-shared semaphore", errno);
}

void SharedSemaphore::destroy() { sem_destroy(&m_semaphore); }

void SharedSemaphore::wait()
{
    while (sem_wait(&m_semaphore) != 0) {
        if (errno != EINTR)
            throwSystemError("cannot wait on the shared semaphore", errno);
    }
}

bool SharedSemaphore::waitFor(int ms)
{
    if (sem_trywait(&m_semaphore) == 0)
        return true;
    timespec deadline {};
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += static_cast<long>(ms) * 1'000'000L;
    deadline.tv_sec += deadline.tv_nsec / 1'000'000'000L;
    deadline.tv_nsec %= 1'000'000'000L;
    for (;;) {
        if (sem_clockwait(&m_semaphore, CLOCK_MONOTONIC, &deadline) == 0)
            return true;
        if (errno == ETIMEDOUT)
            return false;
        if (errno != EINTR)
            throwSystemError("cannot wait on the shared semaphore", errno);
    }
}

void SharedSemaphore::post()
{
    if (sem_post(&m_semaphore) != 0)
        throwSystemError("cannot post the shared semaphore", errno);
}

} // namespace ipcpg
