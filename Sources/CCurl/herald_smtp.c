#include "herald_smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef struct {
    const char *data;
    size_t remaining;
} upload;

/* One SMTP session: a thread of its own with an easy handle that keeps its connection open between messages.
   libcurl reads the reply to the end of DATA with a blocking wait (smtp_done), so sessions sharing one multi handle
   would all stall behind one slow server reply; one thread per session keeps a stalled session to itself. */
typedef struct {
    herald_smtp_pool *pool;
    CURL *curl;
    pthread_t thread;
    int started;
    struct curl_slist *rcpt;
    upload source;
    char last_reply[256];       /* the server's latest refusal line */
    char error[CURL_ERROR_SIZE];
} slot;

struct herald_smtp_pool {
    herald_smtp_options options;
    int connections;
    slot *slots;
    pthread_mutex_t lock;       /* guards the queue, stopping and every batch's next and remaining */
    pthread_cond_t work;        /* signalled when a batch is queued or the pool stops */
    herald_smtp_batch *queue_head, *queue_tail;
    int stopping;
};

static pthread_once_t global_init = PTHREAD_ONCE_INIT;

static void init_curl(void) { curl_global_init(CURL_GLOBAL_ALL); }

static char *copy(const char *text) { return text ? strdup(text) : NULL; }

/* Keeps the server's latest refusal line: libcurl reports only the code, and an operator wants the text too.
   libcurl hands every SMTP reply line to the header callback, which costs nothing like CURLOPT_VERBOSE's
   debug callback (with it, libcurl formats a line of text for everything it does). */
static size_t capture_reply(char *data, size_t size, size_t count, void *context) {
    size_t length = size * count;
    /* Only refusals: after one, curl says QUIT and the 221 that follows is not the news. */
    if (length == 0 || (data[0] != '4' && data[0] != '5')) return length;
    slot *s = context;
    size_t n = length < sizeof s->last_reply - 1 ? length : sizeof s->last_reply - 1;
    while (n > 0 && (data[n - 1] == '\r' || data[n - 1] == '\n')) n--;
    memcpy(s->last_reply, data, n);
    s->last_reply[n] = 0;
    return length;
}

static size_t read_upload(char *buffer, size_t size, size_t count, void *context) {
    upload *source = context;
    size_t room = size * count;
    size_t n = source->remaining < room ? source->remaining : room;
    memcpy(buffer, source->data, n);
    source->data += n;
    source->remaining -= n;
    return n;
}

herald_smtp_pool *herald_smtp_pool_new(const herald_smtp_options *options, int connections) {
    pthread_once(&global_init, init_curl);
    if (connections < 1) connections = 1;
    herald_smtp_pool *pool = calloc(1, sizeof *pool);
    if (pool == NULL) return NULL;
    pool->connections = connections;
    pool->options = (herald_smtp_options){
        .url = copy(options->url), .username = copy(options->username), .password = copy(options->password),
        .ca_file = copy(options->ca_file), .tls = options->tls, .timeout_ms = options->timeout_ms};
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->work, NULL);
    pool->slots = calloc((size_t)connections, sizeof *pool->slots);
    int ok = pool->slots != NULL;
    for (int i = 0; ok && i < connections; i++) {
        pool->slots[i].pool = pool;
        pool->slots[i].curl = curl_easy_init();
        ok = pool->slots[i].curl != NULL;
    }
    if (!ok) {
        herald_smtp_pool_free(pool);
        return NULL;
    }
    return pool;
}

void herald_smtp_pool_free(herald_smtp_pool *pool) {
    if (pool == NULL) return;
    if (pool->slots) {
        for (int i = 0; i < pool->connections; i++) {
            if (pool->slots[i].curl) curl_easy_cleanup(pool->slots[i].curl);
        }
        free(pool->slots);
    }
    pthread_cond_destroy(&pool->work);
    pthread_mutex_destroy(&pool->lock);
    free((char *)pool->options.url);
    free((char *)pool->options.username);
    free((char *)pool->options.password);
    free((char *)pool->options.ca_file);
    free(pool);
}

/* Sends one item on the slot's session (reusing its connection when the server kept it) and returns the outcome. */
static herald_smtp_result send_item(herald_smtp_pool *pool, slot *s, herald_smtp_item *item) {
    const herald_smtp_options *options = &pool->options;
    CURL *curl = s->curl;
    s->rcpt = curl_slist_append(NULL, item->to);
    s->source = (upload){item->data, item->length};
    s->last_reply[0] = 0;
    s->error[0] = 0;

    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, capture_reply);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, s);
    curl_easy_setopt(curl, CURLOPT_URL, options->url);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, s->error);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options->timeout_ms);
    /* Closing a kept session says QUIT and waits for the reply: not longer than a message may take. */
    curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)((options->timeout_ms + 999) / 1000));
    curl_easy_setopt(curl, CURLOPT_MAXCONNECTS, 1L);
    curl_easy_setopt(curl, CURLOPT_USE_SSL, options->tls == HERALD_SMTP_TLS_REQUIRED ? CURLUSESSL_ALL
                                            : options->tls == HERALD_SMTP_TLS_OPPORTUNISTIC ? CURLUSESSL_TRY
                                                                                             : CURLUSESSL_NONE);
    curl_easy_setopt(curl, CURLOPT_CAINFO, options->ca_file);
    curl_easy_setopt(curl, CURLOPT_USERNAME, options->username);
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options->password);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, item->from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, s->rcpt);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &s->source);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)item->length);

    CURLcode code = curl_easy_perform(curl);
    herald_smtp_result result = {0};
    result.curl_code = (int)code;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.reply_code);
    if (code != CURLE_OK) {
        const char *text = s->last_reply[0] && result.reply_code >= 400 ? s->last_reply
                           : s->error[0]                                ? s->error
                                                                        : curl_easy_strerror(code);
        strncpy(result.message, text, sizeof result.message - 1);
        /* Anything but a refusal (a timeout, a dropped or garbled reply) leaves the session in an unknown state,
           and libcurl keeps a connection whose reply to DATA timed out: the next message would wait on it. Shut
           the socket down so that libcurl finds the connection dead and opens a new one (without a QUIT). */
        curl_socket_t socket = CURL_SOCKET_BAD;
        if (result.reply_code < 400 && curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK &&
            socket != CURL_SOCKET_BAD) {
            shutdown(socket, SHUT_RDWR);
        }
    }
    curl_slist_free_all(s->rcpt);
    s->rcpt = NULL;
    return result;
}

static herald_smtp_result stopped_result(void) {
    herald_smtp_result result = {.curl_code = HERALD_SMTP_STOPPED};
    strncpy(result.message, "SMTP sender is shutting down", sizeof result.message - 1);
    return result;
}

/* Records an item's outcome and reports it; returns whether that was the batch's last one. The report comes before
   the count goes down, so `done` (after which the batch may be freed) never runs while a report is under way. */
static int settle(herald_smtp_pool *pool, herald_smtp_batch *batch, size_t index, herald_smtp_result result) {
    batch->items[index].result = result;
    if (batch->item_done) batch->item_done(batch->context, index);
    pthread_mutex_lock(&pool->lock);
    int last = --batch->remaining == 0;
    pthread_mutex_unlock(&pool->lock);
    return last;
}

/* Ends every item not yet started of a chain of batches taken off the queue (the pool unlocked). */
static void abandon(herald_smtp_pool *pool, herald_smtp_batch *batch) {
    while (batch) {
        herald_smtp_batch *link = batch->link;
        pthread_mutex_lock(&pool->lock);
        size_t first = batch->next, count = batch->count;
        batch->next = count;
        pthread_mutex_unlock(&pool->lock);
        for (size_t i = first; i < count; i++) {
            if (settle(pool, batch, i, stopped_result())) batch->done(batch->context);
        }
        batch = link;
    }
}

void herald_smtp_pool_submit(herald_smtp_pool *pool, herald_smtp_batch *batch) {
    batch->next = 0;
    batch->remaining = batch->count;
    batch->link = NULL;
    pthread_mutex_lock(&pool->lock);
    int stopping = pool->stopping;
    if (!stopping) {
        if (pool->queue_tail) pool->queue_tail->link = batch;
        else pool->queue_head = batch;
        pool->queue_tail = batch;
        if (batch->count > 1) pthread_cond_broadcast(&pool->work);
        else pthread_cond_signal(&pool->work);
    }
    pthread_mutex_unlock(&pool->lock);
    if (stopping) abandon(pool, batch);
}

void herald_smtp_pool_stop(herald_smtp_pool *pool) {
    pthread_mutex_lock(&pool->lock);
    pool->stopping = 1;
    pthread_cond_broadcast(&pool->work);
    pthread_mutex_unlock(&pool->lock);
}

/* A session's thread: takes the next item in submission order, sends it, records the outcome; until the pool stops. */
static void *session_main(void *context) {
    slot *s = context;
    herald_smtp_pool *pool = s->pool;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!pool->stopping && pool->queue_head == NULL) pthread_cond_wait(&pool->work, &pool->lock);
        if (pool->stopping) break;
        herald_smtp_batch *batch = pool->queue_head;
        size_t index = batch->next++;
        if (batch->next == batch->count) {
            pool->queue_head = batch->link;
            if (pool->queue_head == NULL) pool->queue_tail = NULL;
        }
        pthread_mutex_unlock(&pool->lock);
        herald_smtp_result result = send_item(pool, s, &batch->items[index]);
        if (settle(pool, batch, index, result)) batch->done(batch->context);
        pthread_mutex_lock(&pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

void herald_smtp_pool_run(herald_smtp_pool *pool) {
    for (int i = 0; i < pool->connections; i++) {
        slot *s = &pool->slots[i];
        s->started = pthread_create(&s->thread, NULL, session_main, s) == 0;
    }
    int any = 0;
    for (int i = 0; i < pool->connections; i++) any |= pool->slots[i].started;
    /* Without a single session thread the pool cannot send: run one here rather than strand the queue. */
    if (!any) session_main(&pool->slots[0]);
    for (int i = 0; i < pool->connections; i++) {
        if (pool->slots[i].started) pthread_join(pool->slots[i].thread, NULL);
    }
    /* Sessions finished what they were sending; what was never started ends as stopped. */
    pthread_mutex_lock(&pool->lock);
    herald_smtp_batch *abandoned = pool->queue_head;
    pool->queue_head = pool->queue_tail = NULL;
    pthread_mutex_unlock(&pool->lock);
    abandon(pool, abandoned);
}

int herald_smtp_is_login_denied(int curl_code) { return curl_code == CURLE_LOGIN_DENIED; }

int herald_smtp_is_tls_refused(int curl_code) { return curl_code == CURLE_USE_SSL_FAILED; }
