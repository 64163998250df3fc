// A libFuzzer front end for a .NET fuzz target that uses SharpFuzz's Fuzzer.LibFuzzer.Run.
//
// libFuzzer runs in this process; the target runs in a .NET child process started once. They talk
// as SharpFuzz's runner expects (the protocol of the libfuzzer-dotnet project, MIT licence):
//   - one System V shared memory segment: the first 64 KiB are the edge counters that the
//     sharpfuzz-instrumented assembly bumps, the next 1 MiB holds the current input;
//   - the child finds it through the environment: __LIBFUZZER_SHM_ID, and the numbers of two
//     inherited pipe descriptors, __LIBFUZZER_CONTROL_PIPE_ID (we write each input's length, 4
//     bytes) and __LIBFUZZER_STATUS_PIPE_ID (it answers 4 bytes: 0 for success, anything else
//     when an exception escaped the target);
//   - after each input the counters are copied into a section that libFuzzer reads as extra
//     coverage counters.
//
// Usage: libfuzzer-dotnet --target_path=PROGRAM [--target_arg=ARG ...] [libFuzzer flags] [corpus dirs]
// (libFuzzer ignores flags that start with two dashes.)

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <unistd.h>

enum
{
    COUNTERS_SIZE = 1 << 16,
    INPUT_SIZE = 1 << 20,
    CONTROL_FD = 198,
    STATUS_FD = 199,
    MAX_TARGET_ARGS = 8,
};

__attribute__((weak, section("__libfuzzer_extra_counters"))) uint8_t dotnet_counters[COUNTERS_SIZE];

static int control_fd = -1;
static int status_fd = -1;
static int shm_id = -1;
static uint8_t *shared;
static pid_t child = -1;
static uint8_t seen[COUNTERS_SIZE];
static unsigned long edges_seen;
static unsigned long inputs_run;

static void fail(const char *what)
{
    fprintf(stderr, "libfuzzer-dotnet: %s: %s\n", what, errno ? strerror(errno) : "unexpected end");
    exit(1);
}

// In the forked child: no atexit handlers (they belong to the parent).
static void child_fail(const char *what)
{
    fprintf(stderr, "libfuzzer-dotnet: %s: %s\n", what, strerror(errno));
    _exit(127);
}

static void cleanup(void)
{
    if (inputs_run > 0)
    {
        // libFuzzer's own "cov" counts this driver's edges only; the .NET code's show in "ft" and here.
        fprintf(stderr, "libfuzzer-dotnet: %lu .NET edges seen in %lu inputs\n", edges_seen, inputs_run);
        inputs_run = 0;
    }

    if (shm_id >= 0)
    {
        shmctl(shm_id, IPC_RMID, NULL);
    }

    if (child > 0)
    {
        kill(child, SIGKILL);
        child = -1;
    }
}

static int write_all(int fd, const void *data, size_t size)
{
    const uint8_t *p = data;
    while (size > 0)
    {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
        {
            continue;
        }

        if (n <= 0)
        {
            return -1;
        }

        p += n;
        size -= (size_t)n;
    }

    return 0;
}

// Returns 0 when all bytes arrived, -1 on an error or when the child closed its end.
static int read_all(int fd, void *data, size_t size)
{
    uint8_t *p = data;
    while (size > 0)
    {
        ssize_t n = read(fd, p, size);
        if (n < 0 && errno == EINTR)
        {
            continue;
        }

        if (n <= 0)
        {
            if (n == 0)
            {
                errno = 0;
            }

            return -1;
        }

        p += n;
        size -= (size_t)n;
    }

    return 0;
}

static const char *flag_value(const char *arg, const char *name)
{
    size_t length = strlen(name);
    return strncmp(arg, name, length) == 0 && arg[length] == '=' ? arg + length + 1 : NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *path = NULL;
    char *child_argv[MAX_TARGET_ARGS + 2];
    int child_argc = 1;
    for (int i = 1; i < *argc; i++)
    {
        const char *value;
        if ((value = flag_value((*argv)[i], "--target_path")) != NULL)
        {
            path = value;
        }
        else if ((value = flag_value((*argv)[i], "--target_arg")) != NULL && child_argc <= MAX_TARGET_ARGS)
        {
            child_argv[child_argc++] = (char *)value;
        }
    }

    if (path == NULL)
    {
        fprintf(stderr, "libfuzzer-dotnet: --target_path=PROGRAM is required\n");
        exit(1);
    }

    child_argv[0] = (char *)path;
    child_argv[child_argc] = NULL;

    int control[2];
    int status[2];
    if (pipe(control) != 0 || pipe(status) != 0)
    {
        fail("pipe");
    }

    shm_id = shmget(IPC_PRIVATE, COUNTERS_SIZE + INPUT_SIZE, IPC_CREAT | IPC_EXCL | 0600);
    if (shm_id < 0)
    {
        fail("shmget");
    }

    atexit(cleanup);
    shared = shmat(shm_id, NULL, 0);
    if (shared == (void *)-1)
    {
        fail("shmat");
    }

    child = fork();
    if (child < 0)
    {
        fail("fork");
    }

    if (child == 0)
    {
        // The target dies with us, even when libFuzzer ends on a timeout with _exit.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (dup2(control[0], CONTROL_FD) < 0 || dup2(status[1], STATUS_FD) < 0)
        {
            child_fail("dup2");
        }

        close(control[0]);
        close(control[1]);
        close(status[0]);
        close(status[1]);
        char id[16];
        snprintf(id, sizeof id, "%d", shm_id);
        char control_name[16];
        snprintf(control_name, sizeof control_name, "%d", CONTROL_FD);
        char status_name[16];
        snprintf(status_name, sizeof status_name, "%d", STATUS_FD);
        if (setenv("__LIBFUZZER_SHM_ID", id, 1) != 0 || setenv("__LIBFUZZER_CONTROL_PIPE_ID", control_name, 1) != 0
            || setenv("__LIBFUZZER_STATUS_PIPE_ID", status_name, 1) != 0)
        {
            child_fail("setenv");
        }

        execv(path, child_argv);
        child_fail(path);
    }

    close(control[0]);
    close(status[1]);
    control_fd = control[1];
    status_fd = status[0];

    // The child says it is ready with a first status word.
    int32_t ready;
    if (read_all(status_fd, &ready, sizeof ready) != 0)
    {
        fail("the .NET target did not start");
    }

    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > INPUT_SIZE)
    {
        fprintf(stderr, "libfuzzer-dotnet: inputs are limited to %d bytes (use -max_len)\n", INPUT_SIZE);
        exit(1);
    }

    memset(shared, 0, COUNTERS_SIZE);
    memcpy(shared + COUNTERS_SIZE, data, size);
    int32_t length = (int32_t)size;
    if (write_all(control_fd, &length, sizeof length) != 0)
    {
        fail("writing to the .NET target");
    }

    int32_t status;
    int failed = read_all(status_fd, &status, sizeof status);
    memcpy(dotnet_counters, shared, COUNTERS_SIZE);
    inputs_run++;
    for (size_t i = 0; i < COUNTERS_SIZE; i++)
    {
        if (shared[i] != 0 && !seen[i])
        {
            seen[i] = 1;
            edges_seen++;
        }
    }

    if (failed != 0)
    {
        // The process died (an exception on another thread, a stack overflow, FailFast): libFuzzer
        // reports an exit from the target and saves the input.
        fail("the .NET target process ended");
    }

    if (status != 0)
    {
        // An exception escaped the target; SharpFuzz printed it. Crash so libFuzzer saves the input.
        __builtin_trap();
    }

    return 0;
}
