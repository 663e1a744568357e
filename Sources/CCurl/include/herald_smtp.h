#ifndef HERALD_SMTP_H
#define HERALD_SMTP_H

#include <stddef.h>

/// An SMTP client with `connections` sessions, each a libcurl easy handle on a thread of its own that keeps its
/// connection open for the next message; a slow or broken session holds up only its own message. Batches are
/// submitted from any thread; each one's `done` is called on a session's thread once every message in it has an
/// outcome.
typedef struct herald_smtp_pool herald_smtp_pool;

typedef enum {
    HERALD_SMTP_TLS_NONE = 0,
    /// STARTTLS when the server offers it.
    HERALD_SMTP_TLS_OPPORTUNISTIC = 1,
    /// STARTTLS or fail (implied for smtps:// URLs).
    HERALD_SMTP_TLS_REQUIRED = 2,
} herald_smtp_tls;

typedef struct {
    const char *url;        /* smtp://host:port or smtps://host:port */
    const char *username;   /* NULL for no AUTH */
    const char *password;
    const char *ca_file;    /* NULL for the system's trust store */
    herald_smtp_tls tls;
    long timeout_ms;
} herald_smtp_options;

typedef struct {
    int curl_code;          /* CURLE_OK on success; HERALD_SMTP_STOPPED when the pool stopped first */
    long reply_code;        /* the server's last SMTP reply code, 0 when none */
    char message[256];      /* the server's refusal or curl's description of the failure */
} herald_smtp_result;

/// Not a libcurl code: the message was not tried because the pool was stopping.
#define HERALD_SMTP_STOPPED (-1)

typedef struct {
    const char *from;       /* "<address>" */
    const char *to;         /* "<address>" */
    const char *data;       /* the complete RFC 5322 message with CRLF line ends */
    size_t length;
    herald_smtp_result result;
} herald_smtp_item;

typedef struct herald_smtp_batch {
    herald_smtp_item *items;
    size_t count;
    /* Called on a session's thread as each item gets its result (may be NULL); all before `done`. */
    void (*item_done)(void *context, size_t index);
    void (*done)(void *context);
    void *context;
    /* The pool's own: */
    size_t next;
    size_t remaining;
    struct herald_smtp_batch *link;
} herald_smtp_batch;

/// A pool with its own copy of `options`; NULL when libcurl cannot be set up.
herald_smtp_pool *herald_smtp_pool_new(const herald_smtp_options *options, int connections);

/// Starts the sessions' threads and returns once `herald_smtp_pool_stop` was called and they finished the messages
/// under way; messages not yet started end with HERALD_SMTP_STOPPED.
void herald_smtp_pool_run(herald_smtp_pool *pool);

/// Queues a batch (at least one item; the caller keeps it and its items alive until `done`).
void herald_smtp_pool_submit(herald_smtp_pool *pool, herald_smtp_batch *batch);

void herald_smtp_pool_stop(herald_smtp_pool *pool);

/// Frees the pool once `herald_smtp_pool_run` has returned (or was never called).
void herald_smtp_pool_free(herald_smtp_pool *pool);

/// Whether the failure was the server refusing the login.
int herald_smtp_is_login_denied(int curl_code);
/// Whether the failure was TLS that was required and the server would not start (it offered no STARTTLS).
int herald_smtp_is_tls_refused(int curl_code);

#endif
