#include "herald_smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *data;
    size_t remaining;
} upload;

/* One SMTP session's easy handle and the message it is sending, if any. */
typedef struct {
    CURL *curl;
    herald_smtp_batch *batch;   /* NULL when idle */
    size_t index;
    struct curl_slist *rcpt;
    upload source;
    char last_reply[256];       /* the server's latest refusal line */
    char error[CURL_ERROR_SIZE];
} slot;

struct herald_smtp_pool {
    CURLM *multi;
    herald_smtp_options options;
    int connections;
    slot *slots;
    pthread_mutex_t lock;       /* guards queue and stopping */
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
    pool->multi = curl_multi_init();
    pool->slots = calloc((size_t)connections, sizeof *pool->slots);
    int ok = pool->multi != NULL && pool->slots != NULL;
    for (int i = 0; ok && i < connections; i++) {
        pool->slots[i].curl = curl_easy_init();
        ok = pool->slots[i].curl != NULL;
    }
    if (!ok) {
        herald_smtp_pool_free(pool);
        return NULL;
    }
    /* One connection per slot, kept in the multi handle's cache between messages. */
    curl_multi_setopt(pool->multi, CURLMOPT_MAXCONNECTS, (long)connections);
    curl_multi_setopt(pool->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)connections);
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
    if (pool->multi) curl_multi_cleanup(pool->multi);
    pthread_mutex_destroy(&pool->lock);
    free((char *)pool->options.url);
    free((char *)pool->options.username);
    free((char *)pool->options.password);
    free((char *)pool->options.ca_file);
    free(pool);
}

static void start(herald_smtp_pool *pool, slot *s, herald_smtp_batch *batch, size_t index) {
    const herald_smtp_options *options = &pool->options;
    herald_smtp_item *item = &batch->items[index];
    CURL *curl = s->curl;
    s->batch = batch;
    s->index = index;
    s->rcpt = curl_slist_append(NULL, item->to);
    s->source = (upload){item->data, item->length};
    s->last_reply[0] = 0;
    s->error[0] = 0;

    curl_easy_setopt(curl, CURLOPT_PRIVATE, s);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, capture_reply);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, s);
    curl_easy_setopt(curl, CURLOPT_URL, options->url);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, s->error);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options->timeout_ms);
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
    curl_multi_add_handle(pool->multi, curl);
}

/* Records an item's outcome; the batch is done with its last one. */
static void settle(herald_smtp_batch *batch, size_t index, herald_smtp_result result) {
    batch->items[index].result = result;
    if (--batch->remaining == 0) batch->done(batch->context);
}

static void finish(herald_smtp_pool *pool, slot *s, CURLcode code) {
    herald_smtp_result result = {0};
    result.curl_code = (int)code;
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &result.reply_code);
    if (code != CURLE_OK) {
        const char *text = s->last_reply[0] && result.reply_code >= 400 ? s->last_reply
                           : s->error[0]                                ? s->error
                                                                        : curl_easy_strerror(code);
        strncpy(result.message, text, sizeof result.message - 1);
    }
    curl_multi_remove_handle(pool->multi, s->curl);
    curl_slist_free_all(s->rcpt);
    s->rcpt = NULL;
    herald_smtp_batch *batch = s->batch;
    s->batch = NULL;
    settle(batch, s->index, result);
}

static herald_smtp_result stopped_result(void) {
    herald_smtp_result result = {.curl_code = HERALD_SMTP_STOPPED};
    strncpy(result.message, "SMTP sender is shutting down", sizeof result.message - 1);
    return result;
}

/* Ends every item not yet started of a chain of batches taken off the queue. */
static void abandon(herald_smtp_batch *batch) {
    while (batch) {
        herald_smtp_batch *link = batch->link;
        size_t first = batch->next, count = batch->count;
        batch->next = count;
        for (size_t i = first; i < count; i++) settle(batch, i, stopped_result());
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
    }
    pthread_mutex_unlock(&pool->lock);
    if (stopping) abandon(batch);
    else curl_multi_wakeup(pool->multi);
}

void herald_smtp_pool_stop(herald_smtp_pool *pool) {
    pthread_mutex_lock(&pool->lock);
    pool->stopping = 1;
    pthread_mutex_unlock(&pool->lock);
    curl_multi_wakeup(pool->multi);
}

void herald_smtp_pool_run(herald_smtp_pool *pool) {
    int active = 0;
    for (;;) {
        /* Idle sessions take the next messages in submission order. */
        slot *idle[pool->connections];
        int idle_count = 0;
        for (int i = 0; i < pool->connections; i++) {
            if (pool->slots[i].batch == NULL) idle[idle_count++] = &pool->slots[i];
        }
        herald_smtp_batch *abandoned = NULL;
        pthread_mutex_lock(&pool->lock);
        int stopping = pool->stopping;
        if (stopping) {
            abandoned = pool->queue_head;
            pool->queue_head = pool->queue_tail = NULL;
        }
        int assigned = 0;
        while (!stopping && assigned < idle_count && pool->queue_head) {
            herald_smtp_batch *batch = pool->queue_head;
            start(pool, idle[assigned++], batch, batch->next++);
            if (batch->next == batch->count) {
                pool->queue_head = batch->link;
                if (pool->queue_head == NULL) pool->queue_tail = NULL;
            }
        }
        int more_queued = pool->queue_head != NULL;
        pthread_mutex_unlock(&pool->lock);
        abandon(abandoned);
        active += assigned;
        if (stopping && active == 0) return;

        int running = 0;
        curl_multi_perform(pool->multi, &running);
        CURLMsg *message;
        int left = 0;
        int finished = 0;
        while ((message = curl_multi_info_read(pool->multi, &left))) {
            if (message->msg != CURLMSG_DONE) continue;
            slot *s = NULL;
            curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            CURLcode code = message->data.result;
            finish(pool, s, code);
            active--;
            finished++;
        }
        /* Work waits for a session that just came free: hand it over before sleeping. */
        if (finished > 0 && more_queued) continue;
        curl_multi_poll(pool->multi, NULL, 0, 1000, NULL);
    }
}

int herald_smtp_is_login_denied(int curl_code) { return curl_code == CURLE_LOGIN_DENIED; }
