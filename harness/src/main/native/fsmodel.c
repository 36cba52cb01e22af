/*
 * libindexgate_fsmodel.so: the file-system side of indexgate's power-loss model, below the JVM.
 *
 * Preloaded (LD_PRELOAD) into a process under test, it interposes libc's file calls and, for every path under one
 * directory (the data directory, INDEXGATE_FS_ROOT), journals each call that changes the file system or makes a change
 * durable: create, write (with its bytes), truncate, fsync/fdatasync of a file or a directory, rename, unlink, mkdir,
 * rmdir. The harness replays that journal over the state the directory had when the process started, which gives the
 * durable state and the pending operations at any cut (io.indexgate.harness.powerloss.SyscallJournal). Because the
 * JDK's file I/O, SQLite's and a Python program's all go through these calls, one mechanism covers every file of the
 * data directory and any language.
 *
 * It also injects faults at the N-th journaled call (INDEXGATE_FS_FAULT=<action>:<N>, or several separated by commas):
 * a crash before it, after it, or in the middle of a write (half its bytes reach the file), by SIGKILL; or an error
 * instead of the call (EIO, ENOSPC), after which the process goes on. A struck fault is journaled and printed as a protocol line on standard output
 * (the same "@@IG " line a Byteman rule prints through io.indexgate.harness.nemesis.Faults).
 *
 * What it cannot follow it reports rather than ignores: a journal record of kind UNSUPPORTED (a rename into or out of
 * the directory, a hard link, O_TMPFILE, a shared writable mapping of a file other than SQLite's -shm, sendfile or
 * copy_file_range into a file) makes the harness refuse the run. Writes that bypass the dynamic linker (glibc's own
 * stdio buffers flushed by fwrite) are not seen; libstdc++'s file streams write through write(2) and are.
 *
 * Journal format (little endian), one record per write(2) to the journal, opened O_APPEND:
 *   u32 length of what follows | u8 kind | 3 bytes 0 | u64 sequence | u64 inode | i64 offset or size |
 *   u32 path length | u32 second path length | u32 data length | path | second path | data   (a 44-byte header)
 * Paths are relative to the root ("" is the root itself). Sequence numbers count the calls that change or force
 * something, from 1; OPEN, MARK, FAULT and UNSUPPORTED records carry the sequence number of the last such call
 * (a FAULT record the struck call's: its offset field holds the struck call's kind, its path the call's path).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum kind {
    K_CREATE = 1, K_WRITE = 2, K_TRUNCATE = 3, K_FSYNC = 4, K_DIRSYNC = 5, K_RENAME = 6, K_UNLINK = 7,
    K_MKDIR = 8, K_RMDIR = 9, K_SYNCALL = 10,
    K_OPEN = 20, K_MARK = 21, K_FAULT = 22, K_UNSUPPORTED = 23
};

enum action { A_NONE, A_BEFORE, A_AFTER, A_TORN, A_EIO, A_ENOSPC };

#define MAX_FDS 65536

struct fd_info {
    unsigned char traced;
    unsigned char directory;
    dev_t device;
    ino_t inode;
    char *path; /* relative to the root; for directories and for messages */
};

static struct fd_info fds[MAX_FDS];
static pthread_mutex_t lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char root[PATH_MAX];
static size_t root_length;
static int active;
static int journal_fd = -1;
static uint64_t sequence;
#define MAX_FAULTS 8
static enum action fault_actions[MAX_FAULTS];
static uint64_t fault_calls[MAX_FAULTS];
static int faults;

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static ssize_t (*real_pwritev64)(int, const struct iovec *, int, off_t);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off_t);
static int (*real_truncate)(const char *, off_t);
static int (*real_truncate64)(const char *, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned int);
static int (*real_unlink)(const char *);
static int (*real_unlinkat)(int, const char *, int);
static int (*real_mkdir)(const char *, mode_t);
static int (*real_mkdirat)(int, const char *, mode_t);
static int (*real_rmdir)(const char *);
static int (*real_close)(int);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static FILE *(*real_fopen)(const char *, const char *);
static FILE *(*real_fopen64)(const char *, const char *);
static int (*real_fclose)(FILE *);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static void *(*real_mmap64)(void *, size_t, int, int, int, off_t);
static int (*real_link)(const char *, const char *);
static int (*real_linkat)(int, const char *, int, const char *, int);
static int (*real_symlink)(const char *, const char *);
static int (*real_fallocate)(int, int, off_t, off_t);
static int (*real_posix_fallocate)(int, off_t, off_t);
static ssize_t (*real_sendfile)(int, int, off_t *, size_t);
static ssize_t (*real_copy_file_range)(int, off_t *, int, off_t *, size_t, unsigned int);
static void (*real_sync)(void);
static int (*real_syncfs)(int);

#define RESOLVE(name) real_##name = dlsym(RTLD_NEXT, #name)

static void resolve_all(void) {
    RESOLVE(open); RESOLVE(open64); RESOLVE(openat); RESOLVE(openat64);
    RESOLVE(write); RESOLVE(pwrite); RESOLVE(pwrite64); RESOLVE(writev); RESOLVE(pwritev); RESOLVE(pwritev64);
    RESOLVE(ftruncate); RESOLVE(ftruncate64); RESOLVE(truncate); RESOLVE(truncate64);
    RESOLVE(fsync); RESOLVE(fdatasync);
    RESOLVE(rename); RESOLVE(renameat); RESOLVE(renameat2); RESOLVE(unlink); RESOLVE(unlinkat);
    RESOLVE(mkdir); RESOLVE(mkdirat); RESOLVE(rmdir);
    RESOLVE(close); RESOLVE(dup); RESOLVE(dup2); RESOLVE(dup3);
    RESOLVE(fopen); RESOLVE(fopen64); RESOLVE(fclose);
    RESOLVE(mmap); RESOLVE(mmap64);
    RESOLVE(link); RESOLVE(linkat); RESOLVE(symlink);
    RESOLVE(fallocate); RESOLVE(posix_fallocate); RESOLVE(sendfile); RESOLVE(copy_file_range);
    RESOLVE(sync); RESOLVE(syncfs);
}

/* The journal and the protocol line are written with raw system calls: never through the interposed functions. */
static void write_all(int fd, const void *data, size_t length) {
    const char *bytes = data;
    while (length > 0) {
        long written = syscall(SYS_write, fd, bytes, length);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        bytes += written;
        length -= (size_t) written;
    }
}

static void die(void) {
    syscall(SYS_kill, getpid(), SIGKILL);
    for (;;) pause();
}

static void put32(unsigned char *at, uint32_t value) {
    for (int i = 0; i < 4; i++) at[i] = (unsigned char) (value >> (8 * i));
}

static void put64(unsigned char *at, uint64_t value) {
    for (int i = 0; i < 8; i++) at[i] = (unsigned char) (value >> (8 * i));
}

#define HEADER 44

static void record(enum kind kind, uint64_t inode, int64_t offset, const char *path, const char *second,
                   const void *data, size_t data_length) {
    if (journal_fd < 0) {
        return;
    }
    size_t path_length = path ? strlen(path) : 0;
    size_t second_length = second ? strlen(second) : 0;
    size_t total = HEADER + path_length + second_length + data_length;
    unsigned char *buffer = malloc(total);
    if (buffer == NULL) {
        /* A journal that silently misses a record would make the model wrong: stop the process instead. */
        die();
    }
    put32(buffer, (uint32_t) (total - 4));
    buffer[4] = (unsigned char) kind;
    buffer[5] = 0; buffer[6] = 0; buffer[7] = 0;
    put64(buffer + 8, sequence);
    put64(buffer + 16, inode);
    put64(buffer + 24, (uint64_t) offset);
    put32(buffer + 32, (uint32_t) path_length);
    put32(buffer + 36, (uint32_t) second_length);
    put32(buffer + 40, (uint32_t) data_length);
    unsigned char *at = buffer + HEADER;
    if (path_length) { memcpy(at, path, path_length); at += path_length; }
    if (second_length) { memcpy(at, second, second_length); at += second_length; }
    if (data_length) { memcpy(at, data, data_length); }
    write_all(journal_fd, buffer, total);
    free(buffer);
}

static void initialize(void) {
    resolve_all();
    const char *configured = getenv("INDEXGATE_FS_ROOT");
    if (configured == NULL || configured[0] != '/') {
        return;
    }
    strncpy(root, configured, sizeof(root) - 1);
    root_length = strlen(root);
    while (root_length > 1 && root[root_length - 1] == '/') {
        root[--root_length] = '\0';
    }
    active = 1;
    const char *journal = getenv("INDEXGATE_FS_JOURNAL");
    if (journal != NULL && journal[0] != '\0') {
        journal_fd = (int) syscall(SYS_open, journal, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (journal_fd < 0) {
            const char message[] = "indexgate fsmodel: cannot open the journal INDEXGATE_FS_JOURNAL\n";
            write_all(2, message, sizeof(message) - 1);
            syscall(SYS_exit_group, 2);
        }
        /* Keep it clear of the descriptors the program will use (a program may close low ones it did not open). */
        int high = (int) syscall(SYS_fcntl, journal_fd, F_DUPFD_CLOEXEC, 1000);
        if (high >= 0) {
            syscall(SYS_close, journal_fd);
            journal_fd = high;
        }
    }
    const char *fault = getenv("INDEXGATE_FS_FAULT");
    if (fault != NULL && fault[0] != '\0') {
        /* <action>:<n>[,<action>:<n>...], each call at most once */
        const char *at = fault;
        int valid = 1;
        while (valid && *at) {
            const char *colon = strchr(at, ':');
            enum action action = A_NONE;
            if (colon == NULL || faults == MAX_FAULTS) { valid = 0; break; }
            size_t length = (size_t) (colon - at);
            if (length == 6 && strncmp(at, "before", 6) == 0) action = A_BEFORE;
            else if (length == 5 && strncmp(at, "after", 5) == 0) action = A_AFTER;
            else if (length == 4 && strncmp(at, "torn", 4) == 0) action = A_TORN;
            else if (length == 3 && strncmp(at, "eio", 3) == 0) action = A_EIO;
            else if (length == 6 && strncmp(at, "enospc", 6) == 0) action = A_ENOSPC;
            char *end;
            uint64_t call = strtoull(colon + 1, &end, 10);
            if (action == A_NONE || call == 0 || (*end != ',' && *end != '\0')) { valid = 0; break; }
            fault_actions[faults] = action;
            fault_calls[faults] = call;
            faults++;
            at = *end == ',' ? end + 1 : end;
        }
        if (!valid || faults == 0) {
            const char message[] = "indexgate fsmodel: INDEXGATE_FS_FAULT must be <before|after|torn|eio|enospc>:<n>"
                                   "[,...] (at most 8)\n";
            write_all(2, message, sizeof(message) - 1);
            syscall(SYS_exit_group, 2);
        }
    }
}

__attribute__((constructor)) static void load(void) {
    pthread_once(&once, initialize);
}

static void ensure(void) {
    pthread_once(&once, initialize);
}

/* Lexically normalizes an absolute path in place: "//", "/./" and "/../" removed. */
static void normalize(char *path) {
    char *out = path;
    const char *in = path;
    while (*in) {
        if (in[0] == '/') {
            while (in[1] == '/') in++;
            if (in[1] == '.' && (in[2] == '/' || in[2] == '\0')) { in += 2; continue; }
            if (in[1] == '.' && in[2] == '.' && (in[3] == '/' || in[3] == '\0')) {
                in += 3;
                while (out > path && *--out != '/') { }
                continue;
            }
        }
        *out++ = *in++;
    }
    if (out == path) *out++ = '/';
    *out = '\0';
    size_t length = strlen(path);
    while (length > 1 && path[length - 1] == '/') path[--length] = '\0';
}

/*
 * If (directory descriptor, path) names something under the root, writes its path relative to the root into
 * relative (PATH_MAX bytes) and returns 1; else 0.
 */
static int under_root(int directory, const char *path, char *relative) {
    if (!active || path == NULL) return 0;
    char absolute[PATH_MAX * 2];
    if (path[0] == '/') {
        snprintf(absolute, sizeof(absolute), "%s", path);
    } else {
        char base[PATH_MAX];
        if (directory == AT_FDCWD) {
            if (getcwd(base, sizeof(base)) == NULL) return 0;
        } else {
            char link[64];
            snprintf(link, sizeof(link), "/proc/self/fd/%d", directory);
            ssize_t length = readlink(link, base, sizeof(base) - 1);
            if (length < 0) return 0;
            base[length] = '\0';
        }
        snprintf(absolute, sizeof(absolute), "%s/%s", base, path);
    }
    normalize(absolute);
    if (strncmp(absolute, root, root_length) != 0) return 0;
    if (absolute[root_length] == '\0') { relative[0] = '\0'; return 1; }
    if (absolute[root_length] != '/') return 0;
    snprintf(relative, PATH_MAX, "%s", absolute + root_length + 1);
    return 1;
}

static const char *name_of(int fd) {
    return fd >= 0 && fd < MAX_FDS && fds[fd].path ? fds[fd].path : "?";
}

/* The traced regular file or directory behind fd, or NULL; a stale entry (a descriptor reused unseen) is dropped. */
static struct fd_info *traced(int fd) {
    if (!active || fd < 0 || fd >= MAX_FDS || !fds[fd].traced) return NULL;
    struct stat status;
    if (fstat(fd, &status) != 0 || status.st_ino != fds[fd].inode || status.st_dev != fds[fd].device) {
        fds[fd].traced = 0;
        return NULL;
    }
    return &fds[fd];
}

static void forget(int fd) {
    if (fd >= 0 && fd < MAX_FDS) {
        fds[fd].traced = 0;
        free(fds[fd].path);
        fds[fd].path = NULL;
    }
}

static void unsupported(const char *what, const char *path) {
    record(K_UNSUPPORTED, 0, 0, path, NULL, what, strlen(what));
}

/*
 * Registers fd, just opened on relative (under the root), and journals it: the create or truncation the open did
 * (creates and truncates say which), then the open itself.
 */
static void opened(int fd, const char *relative, int creates, int truncates) {
    if (fd < 0) return;
    if (fd >= MAX_FDS) {
        unsupported("a descriptor above the shim's table", relative);
        return;
    }
    forget(fd);
    struct stat status;
    if (fstat(fd, &status) != 0) return;
    if (!S_ISREG(status.st_mode) && !S_ISDIR(status.st_mode)) return;
    fds[fd].traced = 1;
    fds[fd].directory = S_ISDIR(status.st_mode);
    fds[fd].device = status.st_dev;
    fds[fd].inode = status.st_ino;
    fds[fd].path = strdup(relative);
    if (creates) record(K_CREATE, (uint64_t) status.st_ino, 0, relative, NULL, NULL, 0);
    else if (truncates) record(K_TRUNCATE, (uint64_t) status.st_ino, 0, relative, NULL, NULL, 0);
    record(K_OPEN, (uint64_t) status.st_ino, fds[fd].directory, relative, NULL, NULL, 0);
}

/* The JSON string body of text (quotes and backslashes escaped, control characters dropped). */
static void json_escape(const char *text, char *out, size_t size) {
    size_t at = 0;
    for (; *text && at + 2 < size; text++) {
        unsigned char c = (unsigned char) *text;
        if (c == '"' || c == '\\') { out[at++] = '\\'; out[at++] = (char) c; }
        else if (c >= 0x20) out[at++] = (char) c;
    }
    out[at] = '\0';
}

/* Reports a struck fault: journaled, and as a protocol line on standard output. */
static void strike_report(enum kind kind, const char *path, const char *description) {
    record(K_FAULT, 0, kind, path ? path : "", NULL, description, strlen(description));
    char escaped[1024];
    json_escape(description, escaped, sizeof(escaped));
    char line[1200];
    int length = snprintf(line, sizeof(line), "@@IG {\"type\":\"fault\",\"cycle\":0,\"detail\":\"%s\"}\n", escaped);
    write_all(1, line, (size_t) length);
}

/*
 * Counts the next journaled call and says what the fault does to it: A_NONE (go on), or the configured action when
 * this call is the one to strike. Called with the lock held.
 */
static enum action next_call(enum kind kind, const char *call, const char *path) {
    sequence++;
    enum action fault_action = A_NONE;
    for (int i = 0; i < faults; i++) {
        if (fault_calls[i] == sequence) fault_action = fault_actions[i];
    }
    if (fault_action == A_NONE) return A_NONE;
    char description[512];
    const char *when = fault_action == A_BEFORE ? "halt before" : fault_action == A_AFTER ? "halt after"
            : fault_action == A_TORN ? "halt in the middle of" : fault_action == A_EIO ? "EIO instead of"
            : "ENOSPC instead of";
    snprintf(description, sizeof(description), "%s syscall %llu: %s %s", when, (unsigned long long) sequence, call,
             path && path[0] ? path : "(the data directory)");
    strike_report(kind, path, description);
    if (fault_action == A_BEFORE) die();
    return fault_action;
}

static void after_call(enum action action) {
    if (action == A_AFTER || action == A_TORN) die();
}

/* ---- opening ---- */

static int open_common(int directory, const char *path, int flags, mode_t mode,
                       int (*call)(int, const char *, int, ...), int (*plain)(const char *, int, ...)) {
    ensure();
    char relative[PATH_MAX];
    if (!under_root(directory, path, relative)) {
        int fd = directory == AT_FDCWD && plain ? plain(path, flags, mode) : call(directory, path, flags, mode);
        if (fd >= 0 && fd < MAX_FDS) forget(fd);
        return fd;
    }
    pthread_mutex_lock(&lock);
    if ((flags & O_TMPFILE) == O_TMPFILE) {
        unsupported("O_TMPFILE", relative);
    }
    struct stat before;
    int existed = fstatat(directory, path, &before, 0) == 0;
    enum action action = A_NONE;
    int creates = (flags & O_CREAT) && !existed;
    int truncates = (flags & O_TRUNC) && existed && S_ISREG(before.st_mode) && before.st_size > 0
            && (flags & O_ACCMODE) != O_RDONLY;
    if (creates) action = next_call(K_CREATE, "create", relative);
    else if (truncates) action = next_call(K_TRUNCATE, "truncate-on-open", relative);
    if (action == A_EIO || action == A_ENOSPC) {
        pthread_mutex_unlock(&lock);
        errno = action == A_EIO ? EIO : ENOSPC;
        return -1;
    }
    int fd = directory == AT_FDCWD && plain ? plain(path, flags, mode) : call(directory, path, flags, mode);
    int saved = errno;
    if (fd >= 0) {
        opened(fd, relative, creates, truncates);
        after_call(action);
    }
    pthread_mutex_unlock(&lock);
    errno = saved;
    return fd;
}

static mode_t mode_argument(int flags, va_list arguments) {
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t) va_arg(arguments, int) : 0;
}

static int openat_plain(int directory, const char *path, int flags, ...) {
    va_list arguments;
    va_start(arguments, flags);
    mode_t mode = mode_argument(flags, arguments);
    va_end(arguments);
    return real_openat(directory, path, flags, mode);
}

static int openat64_plain(int directory, const char *path, int flags, ...) {
    va_list arguments;
    va_start(arguments, flags);
    mode_t mode = mode_argument(flags, arguments);
    va_end(arguments);
    return (real_openat64 ? real_openat64 : real_openat)(directory, path, flags, mode);
}

int open(const char *path, int flags, ...) {
    va_list arguments;
    va_start(arguments, flags);
    mode_t mode = mode_argument(flags, arguments);
    va_end(arguments);
    ensure();
    return open_common(AT_FDCWD, path, flags, mode, openat_plain, real_open);
}

int open64(const char *path, int flags, ...) {
    va_list arguments;
    va_start(arguments, flags);
    mode_t mode = mode_argument(flags, arguments);
    va_end(arguments);
    ensure();
    return open_common(AT_FDCWD, path, flags, mode, openat64_plain, real_open64 ? real_open64 : real_open);
}

int openat(int directory, const char *path, int flags, ...) {
    va_list arguments;
    va_start(arguments, flags);
    mode_t mode = mode_argument(flags, arguments);
    va_end(arguments);
    ensure();
    return open_common(directory, path, flags, mode, openat_plain, NULL);
}

int openat64(int directory, const char *path, int flags, ...) {
    va_list arguments;
    va_start(arguments, flags);
    mode_t mode = mode_argument(flags, arguments);
    va_end(arguments);
    ensure();
    return open_common(directory, path, flags, mode, openat64_plain, NULL);
}

int __open_2(const char *path, int flags) { return open(path, flags); }
int __open64_2(const char *path, int flags) { return open64(path, flags); }
int __openat_2(int directory, const char *path, int flags) { return openat(directory, path, flags); }
int __openat64_2(int directory, const char *path, int flags) { return openat64(directory, path, flags); }
int creat(const char *path, mode_t mode) { return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }
int creat64(const char *path, mode_t mode) { return open64(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }

static FILE *fopen_common(const char *path, const char *mode, FILE *(*call)(const char *, const char *)) {
    ensure();
    char relative[PATH_MAX];
    if (!under_root(AT_FDCWD, path, relative)) {
        FILE *file = call(path, mode);
        if (file != NULL) forget(fileno(file));
        return file;
    }
    pthread_mutex_lock(&lock);
    struct stat before;
    int existed = stat(path, &before) == 0;
    int writes = strchr(mode, 'w') != NULL || strchr(mode, 'a') != NULL;
    int creates = writes && !existed;
    int truncates = strchr(mode, 'w') != NULL && existed && S_ISREG(before.st_mode) && before.st_size > 0;
    enum action action = A_NONE;
    if (creates) action = next_call(K_CREATE, "create", relative);
    else if (truncates) action = next_call(K_TRUNCATE, "truncate-on-open", relative);
    if (action == A_EIO || action == A_ENOSPC) {
        pthread_mutex_unlock(&lock);
        errno = action == A_EIO ? EIO : ENOSPC;
        return NULL;
    }
    FILE *file = call(path, mode);
    int saved = errno;
    if (file != NULL) {
        opened(fileno(file), relative, creates, truncates);
        after_call(action);
    }
    pthread_mutex_unlock(&lock);
    errno = saved;
    return file;
}

FILE *fopen(const char *path, const char *mode) { ensure(); return fopen_common(path, mode, real_fopen); }
FILE *fopen64(const char *path, const char *mode) {
    ensure();
    return fopen_common(path, mode, real_fopen64 ? real_fopen64 : real_fopen);
}

int fclose(FILE *file) {
    ensure();
    if (file != NULL) {
        int fd = fileno(file);
        pthread_mutex_lock(&lock);
        forget(fd);
        pthread_mutex_unlock(&lock);
    }
    return real_fclose(file);
}

int close(int fd) {
    ensure();
    if (fd >= 0 && fd < MAX_FDS && fds[fd].traced) {
        pthread_mutex_lock(&lock);
        forget(fd);
        pthread_mutex_unlock(&lock);
    }
    return real_close(fd);
}

static void copy_entry(int from, int to) {
    if (to < 0 || to >= MAX_FDS) return;
    forget(to);
    if (from >= 0 && from < MAX_FDS && fds[from].traced) {
        fds[to] = fds[from];
        fds[to].path = fds[from].path ? strdup(fds[from].path) : NULL;
    }
}

int dup(int fd) {
    ensure();
    pthread_mutex_lock(&lock);
    int copy = real_dup(fd);
    if (copy >= 0) copy_entry(fd, copy);
    pthread_mutex_unlock(&lock);
    return copy;
}

int dup2(int fd, int target) {
    ensure();
    pthread_mutex_lock(&lock);
    int copy = real_dup2(fd, target);
    if (copy >= 0 && copy != fd) copy_entry(fd, copy);
    pthread_mutex_unlock(&lock);
    return copy;
}

int dup3(int fd, int target, int flags) {
    ensure();
    pthread_mutex_lock(&lock);
    int copy = real_dup3(fd, target, flags);
    if (copy >= 0) copy_entry(fd, copy);
    pthread_mutex_unlock(&lock);
    return copy;
}

/* ---- writing ---- */

static ssize_t write_common(int fd, const void *data, size_t count, off_t offset, int positioned,
                            ssize_t (*call)(int, const void *, size_t, off_t), const char *name) {
    pthread_mutex_lock(&lock);
    struct fd_info *info = traced(fd);
    if (info == NULL || info->directory) {
        pthread_mutex_unlock(&lock);
        return positioned ? call(fd, data, count, offset) : real_write(fd, data, count);
    }
    off_t at = offset;
    if (!positioned) {
        int flags = (int) syscall(SYS_fcntl, fd, F_GETFL);
        if (flags >= 0 && (flags & O_APPEND)) {
            struct stat status;
            at = fstat(fd, &status) == 0 ? status.st_size : 0;
        } else {
            at = lseek(fd, 0, SEEK_CUR);
        }
    }
    enum action action = count > 0 ? next_call(K_WRITE, name, info->path) : A_NONE;
    if (action == A_EIO || action == A_ENOSPC) {
        pthread_mutex_unlock(&lock);
        errno = action == A_EIO ? EIO : ENOSPC;
        return -1;
    }
    size_t length = action == A_TORN ? (count + 1) / 2 : count;
    ssize_t written = positioned ? call(fd, data, length, offset) : real_write(fd, data, length);
    int saved = errno;
    if (written > 0) {
        record(K_WRITE, (uint64_t) info->inode, (int64_t) at, info->path, NULL, data, (size_t) written);
    }
    after_call(action);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return written;
}

static ssize_t plain_write(int fd, const void *data, size_t count, off_t offset) {
    (void) offset;
    return real_write(fd, data, count);
}

ssize_t write(int fd, const void *data, size_t count) {
    ensure();
    if (fd < 0 || fd >= MAX_FDS || !fds[fd].traced) return real_write(fd, data, count);
    return write_common(fd, data, count, 0, 0, plain_write, "write");
}

ssize_t pwrite(int fd, const void *data, size_t count, off_t offset) {
    ensure();
    if (fd < 0 || fd >= MAX_FDS || !fds[fd].traced) return real_pwrite(fd, data, count, offset);
    return write_common(fd, data, count, offset, 1, real_pwrite, "pwrite");
}

ssize_t pwrite64(int fd, const void *data, size_t count, off_t offset) {
    ensure();
    ssize_t (*call)(int, const void *, size_t, off_t) = real_pwrite64 ? real_pwrite64 : real_pwrite;
    if (fd < 0 || fd >= MAX_FDS || !fds[fd].traced) return call(fd, data, count, offset);
    return write_common(fd, data, count, offset, 1, call, "pwrite");
}

/* Gathers a vector write into one buffer and writes it as one call (so it is one journaled write). */
static ssize_t vector_write(int fd, const struct iovec *vector, int count, off_t offset, int positioned,
                            ssize_t (*call)(int, const struct iovec *, int, off_t)) {
    ensure();
    if (fd < 0 || fd >= MAX_FDS || !fds[fd].traced) {
        return positioned ? call(fd, vector, count, offset) : real_writev(fd, vector, count);
    }
    size_t total = 0;
    for (int i = 0; i < count; i++) total += vector[i].iov_len;
    char *buffer = malloc(total ? total : 1);
    if (buffer == NULL) { errno = ENOMEM; return -1; }
    size_t at = 0;
    for (int i = 0; i < count; i++) { memcpy(buffer + at, vector[i].iov_base, vector[i].iov_len); at += vector[i].iov_len; }
    ssize_t written = positioned ? write_common(fd, buffer, total, offset, 1, real_pwrite, "pwritev")
            : write_common(fd, buffer, total, 0, 0, plain_write, "writev");
    int saved = errno;
    free(buffer);
    errno = saved;
    return written;
}

static ssize_t plain_writev(int fd, const struct iovec *vector, int count, off_t offset) {
    (void) offset;
    return real_writev(fd, vector, count);
}

ssize_t writev(int fd, const struct iovec *vector, int count) { return vector_write(fd, vector, count, 0, 0, plain_writev); }
ssize_t pwritev(int fd, const struct iovec *vector, int count, off_t offset) {
    return vector_write(fd, vector, count, offset, 1, real_pwritev);
}
ssize_t pwritev64(int fd, const struct iovec *vector, int count, off_t offset) {
    return vector_write(fd, vector, count, offset, 1, real_pwritev64 ? real_pwritev64 : real_pwritev);
}

static int ftruncate_common(int fd, off_t length, int (*call)(int, off_t)) {
    ensure();
    pthread_mutex_lock(&lock);
    struct fd_info *info = traced(fd);
    if (info == NULL) {
        pthread_mutex_unlock(&lock);
        return call(fd, length);
    }
    enum action action = next_call(K_TRUNCATE, "ftruncate", info->path);
    if (action == A_EIO || action == A_ENOSPC) {
        pthread_mutex_unlock(&lock);
        errno = action == A_EIO ? EIO : ENOSPC;
        return -1;
    }
    int result = call(fd, length);
    int saved = errno;
    if (result == 0) record(K_TRUNCATE, (uint64_t) info->inode, (int64_t) length, info->path, NULL, NULL, 0);
    after_call(action);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

int ftruncate(int fd, off_t length) { return ftruncate_common(fd, length, real_ftruncate); }
int ftruncate64(int fd, off_t length) { return ftruncate_common(fd, length, real_ftruncate64 ? real_ftruncate64 : real_ftruncate); }

static int truncate_common(const char *path, off_t length, int (*call)(const char *, off_t)) {
    ensure();
    char relative[PATH_MAX];
    if (!under_root(AT_FDCWD, path, relative)) return call(path, length);
    pthread_mutex_lock(&lock);
    struct stat status;
    int known = stat(path, &status) == 0;
    enum action action = next_call(K_TRUNCATE, "truncate", relative);
    if (action == A_EIO || action == A_ENOSPC) {
        pthread_mutex_unlock(&lock);
        errno = action == A_EIO ? EIO : ENOSPC;
        return -1;
    }
    int result = call(path, length);
    int saved = errno;
    if (result == 0 && known) record(K_TRUNCATE, (uint64_t) status.st_ino, (int64_t) length, relative, NULL, NULL, 0);
    after_call(action);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

int truncate(const char *path, off_t length) { return truncate_common(path, length, real_truncate); }
int truncate64(const char *path, off_t length) { return truncate_common(path, length, real_truncate64 ? real_truncate64 : real_truncate); }

int fallocate(int fd, int mode, off_t offset, off_t length) {
    ensure();
    if (traced(fd)) unsupported("fallocate", name_of(fd));
    return real_fallocate(fd, mode, offset, length);
}

int posix_fallocate(int fd, off_t offset, off_t length) {
    ensure();
    if (traced(fd)) unsupported("posix_fallocate", name_of(fd));
    return real_posix_fallocate(fd, offset, length);
}

ssize_t sendfile(int out, int in, off_t *offset, size_t count) {
    ensure();
    if (traced(out)) unsupported("sendfile into the file", name_of(out));
    return real_sendfile(out, in, offset, count);
}

ssize_t sendfile64(int out, int in, off_t *offset, size_t count) { return sendfile(out, in, offset, count); }

ssize_t copy_file_range(int in, off_t *in_offset, int out, off_t *out_offset, size_t count, unsigned int flags) {
    ensure();
    if (traced(out)) unsupported("copy_file_range into the file", name_of(out));
    return real_copy_file_range(in, in_offset, out, out_offset, count, flags);
}

static void *mmap_common(void *address, size_t length, int protection, int flags, int fd, off_t offset,
                         void *(*call)(void *, size_t, int, int, int, off_t)) {
    ensure();
    if ((protection & PROT_WRITE) && (flags & MAP_SHARED) && fd >= 0) {
        struct fd_info *info = traced(fd);
        if (info != NULL && !info->directory) {
            size_t length_of_path = info->path ? strlen(info->path) : 0;
            int shared_memory_index = length_of_path > 4 && strcmp(info->path + length_of_path - 4, "-shm") == 0;
            if (!shared_memory_index) unsupported("a shared writable mapping", info->path);
        }
    }
    return call(address, length, protection, flags, fd, offset);
}

void *mmap(void *address, size_t length, int protection, int flags, int fd, off_t offset) {
    return mmap_common(address, length, protection, flags, fd, offset, real_mmap);
}

void *mmap64(void *address, size_t length, int protection, int flags, int fd, off_t offset) {
    return mmap_common(address, length, protection, flags, fd, offset, real_mmap64 ? real_mmap64 : real_mmap);
}

/* ---- forcing ---- */

static int sync_common(int fd, int (*call)(int), const char *name) {
    ensure();
    pthread_mutex_lock(&lock);
    struct fd_info *info = traced(fd);
    if (info == NULL) {
        pthread_mutex_unlock(&lock);
        return call(fd);
    }
    enum action action = next_call(info->directory ? K_DIRSYNC : K_FSYNC, info->directory ? "fsync-directory" : name, info->path);
    if (action == A_EIO || action == A_ENOSPC) {
        pthread_mutex_unlock(&lock);
        errno = action == A_EIO ? EIO : ENOSPC;
        return -1;
    }
    int result = call(fd);
    int saved = errno;
    if (result == 0) {
        if (info->directory) record(K_DIRSYNC, (uint64_t) info->inode, 0, info->path, NULL, NULL, 0);
        else record(K_FSYNC, (uint64_t) info->inode, 0, info->path, NULL, NULL, 0);
    }
    after_call(action);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

int fsync(int fd) { ensure(); return sync_common(fd, real_fsync, "fsync"); }
int fdatasync(int fd) { ensure(); return sync_common(fd, real_fdatasync, "fdatasync"); }

void sync(void) {
    ensure();
    if (active) {
        pthread_mutex_lock(&lock);
        enum action action = next_call(K_SYNCALL, "sync", "");
        if (action != A_EIO && action != A_ENOSPC) {
            real_sync();
            record(K_SYNCALL, 0, 0, NULL, NULL, NULL, 0);
        }
        after_call(action);
        pthread_mutex_unlock(&lock);
        return;
    }
    real_sync();
}

int syncfs(int fd) {
    ensure();
    if (active) {
        pthread_mutex_lock(&lock);
        enum action action = next_call(K_SYNCALL, "syncfs", "");
        if (action == A_EIO || action == A_ENOSPC) {
            pthread_mutex_unlock(&lock);
            errno = action == A_EIO ? EIO : ENOSPC;
            return -1;
        }
        int result = real_syncfs(fd);
        if (result == 0) record(K_SYNCALL, 0, 0, NULL, NULL, NULL, 0);
        after_call(action);
        pthread_mutex_unlock(&lock);
        return result;
    }
    return real_syncfs(fd);
}

/* ---- names ---- */

static int rename_common(int from_directory, const char *from, int to_directory, const char *to,
                         unsigned int flags, int how) {
    ensure();
    char source[PATH_MAX];
    char target[PATH_MAX];
    int source_in = under_root(from_directory, from, source);
    int target_in = under_root(to_directory, to, target);
    if (!source_in && !target_in) {
        return how == 0 ? real_rename(from, to) : how == 1 ? real_renameat(from_directory, from, to_directory, to)
                : real_renameat2(from_directory, from, to_directory, to, flags);
    }
    pthread_mutex_lock(&lock);
    if (source_in != target_in) unsupported("a rename into or out of the data directory", source_in ? source : target);
    if (flags & RENAME_EXCHANGE) unsupported("RENAME_EXCHANGE", source);
    enum action action = next_call(K_RENAME, "rename", source);
    if (action == A_EIO || action == A_ENOSPC) {
        pthread_mutex_unlock(&lock);
        errno = action == A_EIO ? EIO : ENOSPC;
        return -1;
    }
    int result = how == 0 ? real_rename(from, to) : how == 1 ? real_renameat(from_directory, from, to_directory, to)
            : real_renameat2(from_directory, from, to_directory, to, flags);
    int saved = errno;
    if (result == 0) record(K_RENAME, 0, 0, source, target, NULL, 0);
    after_call(action);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

int rename(const char *from, const char *to) { return rename_common(AT_FDCWD, from, AT_FDCWD, to, 0, 0); }
int renameat(int from_directory, const char *from, int to_directory, const char *to) {
    return rename_common(from_directory, from, to_directory, to, 0, 1);
}
int renameat2(int from_directory, const char *from, int to_directory, const char *to, unsigned int flags) {
    return rename_common(from_directory, from, to_directory, to, flags, 2);
}

static int remove_common(int directory, const char *path, int flags, int how) {
    ensure();
    char relative[PATH_MAX];
    if (!under_root(directory, path, relative)) {
        return how == 0 ? real_unlink(path) : how == 1 ? real_rmdir(path) : real_unlinkat(directory, path, flags);
    }
    int is_directory = how == 1 || (how == 2 && (flags & AT_REMOVEDIR));
    pthread_mutex_lock(&lock);
    enum action action = next_call(is_directory ? K_RMDIR : K_UNLINK, is_directory ? "rmdir" : "unlink", relative);
    if (action == A_EIO || action == A_ENOSPC) {
        pthread_mutex_unlock(&lock);
        errno = action == A_EIO ? EIO : ENOSPC;
        return -1;
    }
    int result = how == 0 ? real_unlink(path) : how == 1 ? real_rmdir(path) : real_unlinkat(directory, path, flags);
    int saved = errno;
    if (result == 0) record(is_directory ? K_RMDIR : K_UNLINK, 0, 0, relative, NULL, NULL, 0);
    after_call(action);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

int unlink(const char *path) { return remove_common(AT_FDCWD, path, 0, 0); }
int rmdir(const char *path) { return remove_common(AT_FDCWD, path, 0, 1); }
int unlinkat(int directory, const char *path, int flags) { return remove_common(directory, path, flags, 2); }

static int mkdir_common(int directory, const char *path, mode_t mode, int how) {
    ensure();
    char relative[PATH_MAX];
    if (!under_root(directory, path, relative)) {
        return how == 0 ? real_mkdir(path, mode) : real_mkdirat(directory, path, mode);
    }
    pthread_mutex_lock(&lock);
    enum action action = next_call(K_MKDIR, "mkdir", relative);
    if (action == A_EIO || action == A_ENOSPC) {
        pthread_mutex_unlock(&lock);
        errno = action == A_EIO ? EIO : ENOSPC;
        return -1;
    }
    int result = how == 0 ? real_mkdir(path, mode) : real_mkdirat(directory, path, mode);
    int saved = errno;
    if (result == 0) record(K_MKDIR, 0, 0, relative, NULL, NULL, 0);
    after_call(action);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

int mkdir(const char *path, mode_t mode) { return mkdir_common(AT_FDCWD, path, mode, 0); }
int mkdirat(int directory, const char *path, mode_t mode) { return mkdir_common(directory, path, mode, 1); }

int link(const char *from, const char *to) {
    ensure();
    char relative[PATH_MAX];
    if (under_root(AT_FDCWD, from, relative) || under_root(AT_FDCWD, to, relative)) {
        pthread_mutex_lock(&lock);
        unsupported("a hard link", relative);
        pthread_mutex_unlock(&lock);
    }
    return real_link(from, to);
}

int linkat(int from_directory, const char *from, int to_directory, const char *to, int flags) {
    ensure();
    char relative[PATH_MAX];
    if (under_root(from_directory, from, relative) || under_root(to_directory, to, relative)) {
        pthread_mutex_lock(&lock);
        unsupported("a hard link", relative);
        pthread_mutex_unlock(&lock);
    }
    return real_linkat(from_directory, from, to_directory, to, flags);
}

int symlink(const char *target, const char *path) {
    ensure();
    char relative[PATH_MAX];
    if (under_root(AT_FDCWD, path, relative)) {
        pthread_mutex_lock(&lock);
        unsupported("a symbolic link", relative);
        pthread_mutex_unlock(&lock);
    }
    return real_symlink(target, path);
}

/*
 * Called by the program under test through the MARK record: the harness's workload writes marks into the same
 * journal itself (it opens the journal with O_APPEND), so nothing is exported for it here.
 */
